package dev.slate.serving.engine.materialize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.storage.redis.RedisOnlineStore;
import dev.slate.storage.redis.RedisOnlineStoreConfig;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.testing.InMemoryOfflineStore;
import dev.slate.storage.testservers.TestServers;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reverse ETL from the reference offline store into the machine's real Redis (a fresh namespace per test). */
class MaterializeServiceTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final String PROJECT = """
            project: etl
            entities:
              user:
                key: id
                max_staleness: 1d
                features:
                  id: int
                  score: {type: float, ingested: true, etl_offline_to_online: true}
                  tier: {type: string, ingested: true, etl_offline_to_online: true, max_staleness: 1h}
                  segment: {type: string, ingested: true}
                  never: {type: string, ingested: true, max_staleness: 0s}
            """;

    private Vertx vertx;
    private RedisOnlineStore online;
    private InMemoryOfflineStore offline;
    private MaterializationMarks marks;
    private ServingState state;
    private MaterializeService service;
    private FeatureGraph graph;
    private String env;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        online = new RedisOnlineStore(vertx, RedisOnlineStoreConfig.standalone(TestServers.redisUrl()));
        offline = new InMemoryOfflineStore();
        marks = MaterializationMarks.inMemory();
        state = new ServingState();
        env = "t-etl-" + UUID.randomUUID().toString().substring(0, 8);
        graph = ProjectCompiler.compile(Map.of("slate.yaml", PROJECT));
        state.install(new ActiveDeployment(env, "d1", 1, graph, NOW));
        service = new MaterializeService(
                state, online, offline, marks, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() throws Exception {
        online.dropNamespace(env).toCompletableFuture().get(10, TimeUnit.SECONDS);
        online.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private FeatureNode node(String name) {
        return graph.feature(new FeatureId("user", name)).orElseThrow();
    }

    private FeatureSlot slot(String name) {
        FeatureNode f = node(name);
        return new FeatureSlot(f.id().name(), f.version(), f.type());
    }

    private void offline(long id, String feature, Object value, Instant observedAt) {
        offline.append(List.of(new ObservedValue(
                env, "user", EntityKey.of(id), slot(feature), value, observedAt, Provenance.ingested())));
    }

    private StoredValue online(long id, String feature) throws Exception {
        return online.read(List.of(new OnlineRead(new EntityRef(env, "user", id), List.of(slot(feature)))))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .get(0)
                .get(0);
    }

    @Test
    void loadsTheLatestValueOfMarkedFeaturesAndOnlyThose() throws Exception {
        offline(1, "score", 1.0, NOW.minusSeconds(300));
        offline(1, "score", 2.0, NOW.minusSeconds(60));
        offline(1, "score", 9.0, NOW.plusSeconds(60)); // not yet true at now
        offline(2, "score", 5.0, NOW.minusSeconds(10));
        offline(1, "segment", "smb", NOW.minusSeconds(10)); // not marked

        MaterializeResult r = service.materialize(env, MaterializeRequest.marked());

        assertThat(r.values()).isEqualTo(2);
        assertThat(r.features())
                .extracting(MaterializeResult.FeatureLoad::feature)
                .containsExactly("user.score", "user.tier");
        assertThat(r.features().get(0).values()).isEqualTo(2);
        assertThat(r.features().get(0).incremental()).isFalse();
        assertThat(online(1, "score")).isEqualTo(new StoredValue(2.0, NOW.minusSeconds(60)));
        assertThat(online(2, "score")).isEqualTo(new StoredValue(5.0, NOW.minusSeconds(10)));
        assertThat(online(1, "segment")).isNull();
    }

    @Test
    void valuesOlderThanMaxStalenessAreNotLoaded() throws Exception {
        offline(1, "tier", "gold", NOW.minus(Duration.ofHours(1))); // exactly max_staleness old: loaded
        offline(2, "tier", "gold", NOW.minus(Duration.ofHours(1)).minusNanos(1_000)); // 1 µs older: not
        offline(3, "score", 3.0, NOW.minus(Duration.ofDays(2))); // entity default 1d

        MaterializeResult r = service.materialize(env, MaterializeRequest.marked());

        assertThat(r.values()).isEqualTo(1);
        assertThat(online(1, "tier")).isEqualTo(new StoredValue("gold", NOW.minus(Duration.ofHours(1))));
        assertThat(online(2, "tier")).isNull();
        assertThat(online(3, "score")).isNull();
    }

    @Test
    void aSecondRunReadsOnlyWhatWasAddedSinceTheFirst() throws Exception {
        offline(1, "score", 1.0, NOW.minusSeconds(60));
        assertThat(service.materialize(env, MaterializeRequest.marked()).values())
                .isEqualTo(1);

        MaterializeResult again = service.materialize(env, MaterializeRequest.marked());
        assertThat(again.values()).as("nothing new").isZero();
        assertThat(again.features().get(0).incremental()).isTrue();

        offline(2, "score", 2.0, NOW.minusSeconds(30));
        MaterializeResult third = service.materialize(env, MaterializeRequest.marked());
        assertThat(third.values()).isEqualTo(1);
        assertThat(online(2, "score")).isEqualTo(new StoredValue(2.0, NOW.minusSeconds(30)));

        // full: everything again
        assertThat(service.materialize(env, new MaterializeRequest(Optional.empty(), true))
                        .values())
                .isEqualTo(2);
    }

    @Test
    void anOlderOfflineValueNeverReplacesANewerOnlineOne() throws Exception {
        online.write(List.of(new OnlineWrite(
                        new EntityRef(env, "user", 1L),
                        slot("score"),
                        100.0,
                        NOW.minusSeconds(5),
                        Optional.of(Duration.ofDays(1)))))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        offline(1, "score", 1.0, NOW.minusSeconds(60));

        service.materialize(env, MaterializeRequest.marked());

        assertThat(online(1, "score")).isEqualTo(new StoredValue(100.0, NOW.minusSeconds(5)));
    }

    @Test
    void namedFeaturesAreCheckedAndMayBeUnmarked() throws Exception {
        offline(1, "segment", "smb", NOW.minusSeconds(10));
        MaterializeResult r =
                service.materialize(env, new MaterializeRequest(Optional.of(List.of("user.segment")), false));
        assertThat(r.features())
                .extracting(MaterializeResult.FeatureLoad::feature)
                .containsExactly("user.segment");
        assertThat(online(1, "segment")).isEqualTo(new StoredValue("smb", NOW.minusSeconds(10)));

        assertThatThrownBy(() -> service.materialize(
                        env, new MaterializeRequest(Optional.of(List.of("user.scor", "user.id", "user.never")), false)))
                .isInstanceOfSatisfying(SlateException.class, e -> {
                    assertThat(e.code().name()).isEqualTo("INVALID_QUERY");
                    assertThat(e.errors()).hasSize(3);
                    assertThat(e.errors().get(0).message()).contains("did you mean 'user.score'");
                });
        assertThatThrownBy(() -> service.materialize("t-nothing-here", MaterializeRequest.marked()))
                .isInstanceOfSatisfying(
                        SlateException.class, e -> assertThat(e.code().name()).isEqualTo("NO_ACTIVE_DEPLOYMENT"));
    }

    @Test
    void aFailedOnlineWriteDoesNotAdvanceTheMarker() throws Exception {
        offline(1, "score", 1.0, NOW.minusSeconds(60));
        online.close(); // every write now fails
        assertThatThrownBy(() -> service.materialize(env, MaterializeRequest.marked()))
                .isInstanceOf(MaterializeService.MaterializeFailure.class);
        assertThat(marks.load(env)).isEmpty();

        online = new RedisOnlineStore(vertx, RedisOnlineStoreConfig.standalone(TestServers.redisUrl()));
        service = new MaterializeService(
                state, online, offline, marks, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10));
        assertThat(service.materialize(env, MaterializeRequest.marked()).values())
                .as("read again")
                .isEqualTo(1);
        assertThat(online(1, "score")).isEqualTo(new StoredValue(1.0, NOW.minusSeconds(60)));
    }

    @Test
    void aNewFeatureVersionStartsFromTheBeginning() throws Exception {
        offline(1, "score", 1.0, NOW.minusSeconds(60));
        service.materialize(env, MaterializeRequest.marked());

        // a redeployment that changes score's type gives it a new version: its values are read from the start
        FeatureGraph changed = ProjectCompiler.compile(
                Map.of("slate.yaml", PROJECT.replace("score: {type: float", "score: {type: int")));
        state.install(new ActiveDeployment(env, "d2", 2, changed, NOW));
        FeatureNode score = changed.feature(new FeatureId("user", "score")).orElseThrow();
        assertThat(score.version()).isNotEqualTo(node("score").version());
        offline.append(List.of(new ObservedValue(
                env,
                "user",
                EntityKey.of(1L),
                new FeatureSlot("score", score.version(), score.type()),
                7L,
                NOW.minusSeconds(120),
                Provenance.ingested())));

        MaterializeResult r = service.materialize(env, MaterializeRequest.marked());
        assertThat(r.deploymentId()).isEqualTo("d2");
        assertThat(r.features().get(0).incremental()).isFalse();
        assertThat(r.features().get(0).values()).isEqualTo(1);
        assertThat(service.environmentsWithMarkedFeatures()).contains(env);
    }
}
