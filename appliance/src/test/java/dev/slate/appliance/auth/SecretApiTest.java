package dev.slate.appliance.auth;

import static dev.slate.appliance.auth.Responses.assertClean;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** {@code /v1/secrets}: write-only values, encrypted at rest, listed by name and key id only. */
@QuarkusTest
class SecretApiTest {

    @Inject
    DataSource dataSource;

    @Test
    void aSecretIsStoredEncryptedAndNeverReturned() throws Exception {
        String name = "t_secret_" + UUID.randomUUID().toString().replace('-', '_');
        String value = "v-" + UUID.randomUUID();
        Response created = given().contentType(ContentType.JSON)
                .body(Map.of("value", value))
                .put("/v1/secrets/" + name);
        created.then().statusCode(201).body("name", equalTo(name)).body("current_key", equalTo(true));
        String keyId = created.jsonPath().getString("key_id");
        assertThat(keyId).matches("k-[0-9a-f]{12}");
        given().contentType(ContentType.JSON)
                .body(Map.of("value", value + "-2"))
                .put("/v1/secrets/" + name)
                .then()
                .statusCode(200);
        Response list = given().get("/v1/secrets");
        list.then()
                .statusCode(200)
                .body("key_id", equalTo(keyId))
                .body("secrets.find { it.name == '" + name + "' }.key_id", equalTo(keyId));
        for (Response r : new Response[] {created, list}) {
            assertClean(r, value);
        }
        // at rest: ciphertext only
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement("select key_id, nonce, ciphertext from secrets where name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(keyId);
                assertThat(rs.getBytes(2)).hasSize(12);
                assertThat(new String(rs.getBytes(3), StandardCharsets.ISO_8859_1))
                        .doesNotContain(value);
            }
        }
        // nothing to rotate: every secret is under the current key
        given().post("/v1/secrets/re-encrypt")
                .then()
                .statusCode(200)
                .body("key_id", equalTo(keyId))
                .body("re_encrypted", equalTo(0));
        given().delete("/v1/secrets/" + name).then().statusCode(204);
        given().delete("/v1/secrets/" + name).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void badNamesAndBodiesAreRefusedWithoutEchoingTheValue() {
        String value = "v-" + UUID.randomUUID();
        Response badName = given().contentType(ContentType.JSON)
                .body(Map.of("value", value))
                .put("/v1/secrets/bad name'; --");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertClean(badName, value);
        Response badBody = given().contentType(ContentType.JSON)
                .body("{\"value\": \"" + value)
                .put("/v1/secrets/t_ok");
        badBody.then().statusCode(400).body("code", equalTo("PARSE_FAILED"));
        assertClean(badBody, value);
        Response extra = given().contentType(ContentType.JSON)
                .body(Map.of("value", value, "note", "x"))
                .put("/v1/secrets/t_ok");
        extra.then().statusCode(400);
        assertClean(extra, value);
        Response empty =
                given().contentType(ContentType.JSON).body(Map.of("value", "")).put("/v1/secrets/t_ok");
        empty.then().statusCode(400).body("code", equalTo("INVALID_QUERY"));
    }
}
