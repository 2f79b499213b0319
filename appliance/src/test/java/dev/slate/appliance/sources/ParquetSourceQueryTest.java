package dev.slate.appliance.sources;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.slate.serving.source.duckdb.DuckDbResolverRunner;
import dev.slate.storage.spi.OnlineStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A project with {@code kind: parquet} sources, deployed through the API and queried online: SQL resolvers run in
 * DuckDB over files written into the appliance's Parquet root; a missing or corrupt file fails only its features.
 */
@QuarkusTest
class ParquetSourceQueryTest {
    private static final String ENV = "X-Slate-Environment";

    @Inject
    DuckDbResolverRunner parquet;

    @Inject
    OnlineStore online;

    private String env;
    private Path dir;

    @BeforeEach
    void writeFilesAndDeploy() throws Exception {
        env = "t-parquet-" + UUID.randomUUID().toString().substring(0, 8);
        dir = parquet.parquetRoot().resolve(env);
        Files.createDirectories(dir.resolve("events"));
        Class.forName("org.duckdb.DuckDBDriver"); // after a Quarkus restart DriverManager may not see it
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute("COPY (SELECT i::BIGINT AS id, 'user' || i || '@example.com' AS email, (18 + i)::INTEGER AS age"
                    + " FROM range(50) t(i)) TO '" + dir.resolve("users.parquet") + "' (FORMAT PARQUET)");
            st.execute("COPY (SELECT (i % 5)::BIGINT AS user_id, 1 AS n FROM range(20) t(i)) TO '"
                    + dir.resolve("events/a.parquet") + "' (FORMAT PARQUET)");
            st.execute("COPY (SELECT (i % 5)::BIGINT AS user_id, 1 AS n FROM range(10) t(i)) TO '"
                    + dir.resolve("events/b.parquet") + "' (FORMAT PARQUET)");
        }
        Files.writeString(dir.resolve("broken.parquet"), "PAR1 this is not a parquet file");
        deploy(project(env)).statusCode(201);
    }

    @AfterEach
    void clean() throws Exception {
        online.dropNamespace(env).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String project(String folder) {
        return """
                project: parquet_users
                sources:
                  users: {kind: parquet, path: "%1$s/users.parquet"}
                  events: {kind: parquet, path: "%1$s/events"}
                  broken: {kind: parquet, path: "%1$s/broken.parquet"}
                  gone: {kind: parquet, path: "%1$s/gone.parquet"}
                entities:
                  user:
                    key: id
                    max_staleness: 0s
                    features:
                      id: int
                      email: string
                      age: int
                      event_count: int
                      from_broken: string
                      from_gone: string
                      email_domain: {type: string, expression: "email.split('@')[1]"}
                resolvers:
                  - name: profile
                    source: users
                    sql: SELECT email, age FROM users WHERE id = :id
                  - name: activity
                    source: events
                    sql: SELECT count(*)::BIGINT AS event_count FROM events WHERE user_id = :id
                  - name: broken_file
                    source: broken
                    sql: SELECT email AS from_broken FROM broken WHERE id = :id
                  - name: missing_file
                    source: gone
                    sql: SELECT email AS from_gone FROM gone WHERE id = :id
                """.formatted(folder);
    }

    private ValidatableResponse deploy(String slateYaml) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", slateYaml), "activate", true))
                .post("/v1/deployments")
                .then();
    }

    private JsonPath query(Object body) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/query/online")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void onlineQueriesAreAnsweredFromParquetFiles() {
        JsonPath a = query(Map.of(
                "inputs",
                Map.of("user.id", 3),
                "outputs",
                List.of("user.email", "user.age", "user.email_domain", "user.event_count"),
                "include_meta",
                true));
        assertThat(a.getString("data.find { it.field == 'user.email' }.value")).isEqualTo("user3@example.com");
        assertThat(a.getInt("data.find { it.field == 'user.age' }.value")).isEqualTo(21);
        assertThat(a.getString("data.find { it.field == 'user.email_domain' }.value"))
                .isEqualTo("example.com");
        assertThat(a.getInt("data.find { it.field == 'user.event_count' }.value"))
                .as("4 rows in a.parquet, 2 in b.parquet")
                .isEqualTo(6);
        assertThat(a.getBoolean("data.find { it.field == 'user.email' }.meta.cache_hit"))
                .isFalse();
        assertThat(a.getList("errors")).isEmpty();

        JsonPath unknown = query(Map.of("inputs", Map.of("user.id", 1000), "outputs", List.of("user.email")));
        assertThat(unknown.getString("data.find { it.field == 'user.email' }.value"))
                .isNull();
    }

    @Test
    void aMissingOrCorruptFileFailsOnlyItsOwnFeatures() {
        JsonPath a = query(Map.of(
                "inputs",
                Map.of("user.id", 3),
                "outputs",
                List.of("user.email", "user.from_broken", "user.from_gone"),
                "include_meta",
                true));
        assertThat(a.getString("data.find { it.field == 'user.email' }.value")).isEqualTo("user3@example.com");
        assertThat(a.getString("data.find { it.field == 'user.from_broken' }.error.code"))
                .isEqualTo("RESOLVER_FAILED");
        assertThat(a.getString("data.find { it.field == 'user.from_broken' }.error.resolver"))
                .isEqualTo("broken_file");
        assertThat(a.getString("data.find { it.field == 'user.from_gone' }.error.code"))
                .isEqualTo("RESOLVER_FAILED");
        assertThat(a.getString("data.find { it.field == 'user.from_gone' }.error.message"))
                .contains("source gone")
                .contains("no such file");
        assertThat(a.getList("errors.feature", String.class))
                .containsExactlyInAnyOrder("user.from_broken", "user.from_gone");
    }

    @Test
    void aBulkQueryRunsTheParquetResolverPerRow() {
        JsonPath a = given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", List.of(1, 2, 3)), "outputs", List.of("user.age")))
                .post("/v1/query/online/bulk")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(a.getList("data.flatten().findAll { it.field == 'user.age' }.value", Integer.class))
                .containsExactly(19, 20, 21);
    }

    @Test
    void aPathThatWouldLeaveTheParquetRootIsRejectedAtDeployment() {
        deploy(project(env).replace("\"" + env + "/users.parquet\"", "\"../outside/users.parquet\""))
                .statusCode(422)
                .body("code", equalTo("VALIDATION_FAILED"))
                .body("errors.code", hasItem("INVALID_VALUE"))
                .body("errors.find { it.code == 'INVALID_VALUE' }.file", equalTo("slate.yaml"))
                .body("errors.find { it.code == 'INVALID_VALUE' }.line", equalTo(3))
                .body("errors.find { it.code == 'INVALID_VALUE' }.message", containsString("Parquet root"));
    }
}
