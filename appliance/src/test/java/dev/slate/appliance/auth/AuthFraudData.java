package dev.slate.appliance.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.ExampleProjects;
import dev.slate.storage.testservers.TestServers;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The fraud example's data in a schema of its own, and the fraud project reading it through secrets
 * stored in Slate's encrypted store ({@code PUT /v1/secrets/NAME}), not through configuration.
 */
final class AuthFraudData {
    static final String SCHEMA = "slate_auth_it";
    static final String URL_SECRET = "auth_it_db_url";
    static final String USER_SECRET = "auth_it_db_user";
    static final String PASSWORD_SECRET = "auth_it_db_password";

    private static volatile boolean seeded;

    private AuthFraudData() {}

    static synchronized void seed() throws SQLException {
        if (seeded) {
            return;
        }
        try (Connection c = TestServers.postgres().connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(hashtext('" + SCHEMA + "'))");
                s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
                s.execute("SET LOCAL search_path = " + SCHEMA);
                s.execute(ExampleProjects.fraudSeedSql());
            }
            c.commit();
        }
        seeded = true;
    }

    /**
     * Stores the source's secrets in the environment; the password is random (the test database trusts local connections,
     * so any value works) and returned, so a test can look for it where it must never appear.
     */
    static String storeSecrets(String environment) {
        String password = "pw-" + UUID.randomUUID();
        put(environment, URL_SECRET, TestServers.postgres().url() + "?search_path=" + SCHEMA);
        put(environment, USER_SECRET, TestServers.postgres().user());
        put(environment, PASSWORD_SECRET, password);
        return password;
    }

    /** Stores a secret of {@code environment} (secrets are per environment: docs/environments.md, "Secrets"). */
    static Response put(String environment, String name, String value) {
        Response r = given().header("X-Slate-Environment", environment)
                .contentType(ContentType.JSON)
                .body(Map.of("value", value))
                .put("/v1/secrets/" + name);
        assertThat(r.statusCode()).as(r.asString()).isIn(200, 201);
        return r;
    }

    /** The fraud project reading the stored secrets, with {@code email} and {@code country} tagged pii. */
    static Map<String, String> project() {
        Map<String, String> files = new LinkedHashMap<>(ExampleProjects.fraud());
        String yaml = files.get("slate.yaml");
        for (String[] r : new String[][] {
            {"\"${secret:fraud_db_url}\"", "\"${secret:" + URL_SECRET + "}\""},
            {
                "\"${secret:fraud_db_user}\"",
                "\"${secret:" + USER_SECRET + "}\"\n    password: \"${secret:" + PASSWORD_SECRET + "}\""
            },
            {"      email: string\n", "      email: {type: string, tags: [pii]}\n"},
            {"      country: string\n", "      country: {type: string, tags: [pii, region]}\n"}
        }) {
            assertThat(yaml).as("the fraud example has %s", r[0]).contains(r[0]);
            yaml = yaml.replace(r[0], r[1]);
        }
        files.put("slate.yaml", yaml);
        return files;
    }
}
