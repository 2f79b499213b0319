package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.storage.spi.OnlineStore;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * One environment of a test class: a unique name (so test classes and earlier runs never meet),
 * deployments through the real {@code /v1/deployments} API, and a clean-up that removes the
 * environment's deployments from the metadata database and its values from Redis.
 */
final class QueryEnvironment {
    static final String HEADER = "X-Slate-Environment";
    static final String PROBLEM = "application/problem+json";

    private final String name;
    private DataSource dataSource;
    private OnlineStore store;
    private String deploymentId;

    QueryEnvironment(String purpose) {
        this.name = "t-q-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Deploys the project on the first call (later calls return the same id) and remembers where to
     * clean up. Test classes hold their environment in a static field and call this from
     * {@code @BeforeEach} (where injection works), and {@link #clean()} from a static {@code @AfterAll}.
     */
    synchronized String deployOnce(DataSource dataSource, OnlineStore store, Map<String, String> files) {
        this.dataSource = dataSource;
        this.store = store;
        if (deploymentId == null) {
            deploymentId = deploy(files);
        }
        return deploymentId;
    }

    /** Undoes {@link #deployOnce}, if it ran. */
    synchronized void clean() throws Exception {
        if (dataSource != null) {
            clean(dataSource, store);
        }
    }

    String name() {
        return name;
    }

    /** Deploys and activates a project; returns the deployment id. */
    String deploy(Map<String, String> files) {
        Response r = given().header(HEADER, name).contentType(ContentType.JSON)
                .body(Map.of("files", files, "activate", true))
                .post("/v1/deployments");
        assertThat(r.statusCode()).as("deploy answered %s", r.asString()).isIn(200, 201);
        assertThat(r.jsonPath().getString("status")).isEqualTo("ACTIVE");
        return r.jsonPath().getString("id");
    }

    /** A request for this environment with a JSON body. */
    RequestSpecification request() {
        return given().header(HEADER, name).contentType(ContentType.JSON);
    }

    Response query(Object body) {
        return request().body(body).post("/v1/query/online");
    }

    Response bulk(Object body) {
        return request().body(body).post("/v1/query/online/bulk");
    }

    void clean(DataSource dataSource, OnlineStore store) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            Array names = c.createArrayOf("text", new Object[] {name});
            for (String sql : List.of(
                    "update environments set active_deployment_id = null where name = any(?)",
                    "delete from deployments where environment = any(?)",
                    "delete from environments where name = any(?)")) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setArray(1, names);
                    s.executeUpdate();
                }
            }
        }
        store.dropNamespace(name).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
