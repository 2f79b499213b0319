package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.storage.spi.OnlineStore;
import io.quarkus.arc.Arc;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One environment of a test class, as a JUnit extension: a unique name (so test classes and earlier runs never
 * meet), deployments through the real {@code /v1/deployments} API, and a clean-up after the class that removes the
 * environment's deployments from the metadata database and its values from Redis. A test class registers it in a
 * static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final QueryEnvironment ENV = QueryEnvironment.deploying("query", FraudProjects::fraud);
 * </pre>
 *
 * {@link #deploying} seeds the fraud example's data ({@link FraudData}) and deploys the project before the class's
 * first test (from {@code beforeEach}, once the application runs); {@link #of} deploys only when the test calls
 * {@link #deployOnce}. The metadata database and the online store are the running application's beans.
 */
final class QueryEnvironment implements BeforeEachCallback, AfterAllCallback {
    static final String HEADER = "X-Slate-Environment";
    static final String PROBLEM = "application/problem+json";

    private final String name;
    private final Supplier<Map<String, String>> files;
    private DataSource dataSource;
    private OnlineStore store;
    private String deploymentId;
    private FraudData data;

    private QueryEnvironment(String purpose, Supplier<Map<String, String>> files) {
        this.name = "t-q-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.files = files;
    }

    /** An environment the tests deploy to themselves ({@link #deployOnce}, {@link #deploy}); cleaned after the class. */
    static QueryEnvironment of(String purpose) {
        return new QueryEnvironment(purpose, null);
    }

    /** An environment with the fraud data seeded and {@code files} deployed before the first test; cleaned after the class. */
    static QueryEnvironment deploying(String purpose, Supplier<Map<String, String>> files) {
        return new QueryEnvironment(purpose, files);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (files != null) {
            data();
            deployOnce(files.get());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        clean();
    }

    /** Deploys the project on the first call (later calls return the same id). */
    synchronized String deployOnce(Map<String, String> files) {
        bind();
        if (deploymentId == null) {
            deploymentId = deploy(files);
        }
        return deploymentId;
    }

    /** The id of the deployment {@link #deployOnce} made. */
    synchronized String deploymentId() {
        if (deploymentId == null) {
            throw new IllegalStateException("nothing deployed to " + name + " yet");
        }
        return deploymentId;
    }

    /** The fraud example's data, seeded on first use. */
    synchronized FraudData data() {
        bind();
        if (data == null) {
            try {
                data = new FraudData(dataSource).seed();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot seed the fraud data", e);
            }
        }
        return data;
    }

    private void bind() {
        if (dataSource == null) {
            dataSource = Arc.container().instance(DataSource.class).get();
            store = Arc.container().instance(OnlineStore.class).get();
        }
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
        Response r = given().header(HEADER, name)
                .contentType(ContentType.JSON)
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

    private void clean(DataSource dataSource, OnlineStore store) throws Exception {
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
