package dev.slate.appliance.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.slate.control.ControlConfig;
import dev.slate.control.deploy.ActiveDeploymentPublisher;
import dev.slate.control.deploy.CompiledProjects;
import dev.slate.control.deploy.EnvironmentSnapshot;
import dev.slate.control.deploy.NamespaceDirectory;
import dev.slate.control.deploy.store.DeploymentRepository;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.deploy.EnvironmentRetired;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;
import java.lang.annotation.Annotation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@QuarkusTest
class ActiveDeploymentPublisherTest {
    private static final String ENV = "X-Slate-Environment";
    private static final String CHECK = "checks.find { it.name == 'Slate active deployments' }";

    @Inject
    Event<EnvironmentRetired> retiredEvents;

    @Inject
    ActiveDeploymentPublisher publisher;

    @Inject
    DeploymentRepository repository;

    @Inject
    ControlConfig config;

    @Inject
    Vertx vertx;

    @Inject
    DataSource dataSource;

    @RegisterExtension
    final EnvironmentCleaner cleaner = new EnvironmentCleaner();

    @Test
    void aRestartedReplicaLoadsTheActiveDeploymentFromTheDatabase() {
        String env = cleaner.track(TestProjects.environment("restart"));
        String v1 = deploy(env, TestProjects.valid("shop", 1));
        deploy(env, TestProjects.valid("shop", 2));
        given().header(ENV, env)
                .post("/v1/deployments/" + v1 + "/activate")
                .then()
                .statusCode(200);

        // a fresh publisher has nothing in memory, like a replica that just started
        RecordingEvent fired = new RecordingEvent();
        ActiveDeploymentPublisher restarted = new ActiveDeploymentPublisher(
                repository, new CompiledProjects(), fired, retiredEvents, config, vertx, new NamespaceDirectory());
        assertThat(restarted.current(env)).isEmpty();

        restarted.load();

        assertThat(restarted.loaded()).isTrue();
        ActiveDeployment active = restarted.current(env).orElseThrow();
        assertThat(active.deploymentId()).isEqualTo(v1);
        assertThat(active.version()).isEqualTo(1);
        assertThat(active.graph().project()).isEqualTo("shop");
        assertThat(active.graph().contentHash())
                .isEqualTo(publisher.current(env).orElseThrow().graph().contentHash());
        assertThat(fired.events)
                .filteredOn(e -> e.environment().equals(env))
                .extracting(ActiveDeployment::deploymentId)
                .containsExactly(v1);

        // loading again publishes nothing new
        restarted.load();
        assertThat(fired.events).filteredOn(e -> e.environment().equals(env)).hasSize(1);
    }

    @Test
    void picksUpAnActivationMadeByAnotherReplica() throws Exception {
        String env = cleaner.track(TestProjects.environment("replica"));
        String v1 = deploy(env, TestProjects.valid("shop", 1));
        String v2 = deploy(env, TestProjects.valid("shop", 2));

        // another replica rolls back to v1: only the database changes here
        activateInDatabase(env, UUID.fromString(v1), UUID.fromString(v2));

        awaitTrue(() ->
                publisher.current(env).map(a -> a.deploymentId().equals(v1)).orElse(false));
        assertThat(publisher.current(env).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void anActiveDeploymentThatNoLongerCompilesKeepsThePreviousOneAndFailsReadiness() throws Exception {
        String env = cleaner.track(TestProjects.environment("broken"));
        String good = deploy(env, TestProjects.valid("shop", 1));
        UUID broken = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement("""
                        insert into deployments (id, environment, project, version, content_hash, files, status, created_at)
                        values (?, ?, 'shop', 2, ?, '{"slate.yaml": "project: shop\\nentities: [not, a, mapping]\\n"}'::jsonb, 'INACTIVE', now())""")) {
            insert.setObject(1, broken);
            insert.setString(2, env);
            insert.setString(3, "not-a-real-hash-" + broken);
            insert.executeUpdate();
        }

        activateInDatabase(env, broken, UUID.fromString(good));

        awaitTrue(() -> failure(env) != null);
        assertThat(failure(env).failure().orElseThrow().deploymentId()).isEqualTo(broken);
        assertThat(publisher.current(env)).map(ActiveDeployment::deploymentId).contains(good);
        given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body(CHECK + ".status", equalTo("DOWN"))
                .body(CHECK + ".data.'" + env + ".error'", containsString(broken.toString()))
                .body(CHECK + ".data.'" + env + ".deployment_id'", equalTo(good));

        // activating a good deployment again through the API repairs the environment
        given().header(ENV, env)
                .post("/v1/deployments/" + good + "/activate")
                .then()
                .statusCode(200);
        assertThat(failure(env)).isNull();
        given().get("/q/health/ready").then().body(CHECK + ".status", equalTo("UP"));

        // and the broken one cannot be activated through the API: it is validated first
        given().header(ENV, env)
                .post("/v1/deployments/" + broken + "/activate")
                .then()
                .statusCode(422)
                .body("code", equalTo("VALIDATION_FAILED"));
        assertThat(publisher.current(env)).map(ActiveDeployment::deploymentId).contains(good);
    }

    private EnvironmentSnapshot failure(String env) {
        EnvironmentSnapshot snapshot = publisher.environments().get(env);
        return snapshot != null && snapshot.failure().isPresent() ? snapshot : null;
    }

    /** What another replica's activation does to the database. */
    private void activateInDatabase(String env, UUID target, UUID previous) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            for (String sql : List.of(
                    "update deployments set status = 'SUPERSEDED' where id = '" + previous + "'",
                    "update deployments set status = 'ACTIVE', activated_at = now() where id = '" + target + "'",
                    "update environments set active_deployment_id = '" + target
                            + "', revision = revision + 1, updated_at = now() where name = '" + env + "'")) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.executeUpdate();
                }
            }
            c.commit();
        }
    }

    private static String deploy(String env, Map<String, String> files) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", files))
                .post("/v1/deployments")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** Waits for the poll (every slate.control.poll-interval) to have happened. */
    private void awaitTrue(BooleanSupplier condition) {
        Awaitility.await()
                .atMost(config.pollInterval().multipliedBy(10).plus(Duration.ofSeconds(5)))
                .pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    /** A hand-written {@link Event} that records what is fired. */
    static final class RecordingEvent implements Event<ActiveDeployment> {
        final List<ActiveDeployment> events = new CopyOnWriteArrayList<>();

        @Override
        public void fire(ActiveDeployment event) {
            events.add(event);
        }

        @Override
        public <U extends ActiveDeployment> CompletionStage<U> fireAsync(U event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends ActiveDeployment> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Event<ActiveDeployment> select(Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends ActiveDeployment> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends ActiveDeployment> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
    }
}
