package dev.slate.appliance.materialize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.engine.materialize.MaterializationMarks;
import dev.slate.serving.engine.materialize.MaterializeService;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.testing.InMemoryOfflineStore;
import dev.slate.storage.testing.InMemoryOnlineStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The scheduled reverse-ETL round (plain Java: the reference online and offline stores). */
class MaterializeSchedulerTest {

    @Test
    void theIntervalIsADurationOrOff() {
        assertThat(MaterializeScheduler.parse("5m")).contains(Duration.ofMinutes(5));
        assertThat(MaterializeScheduler.parse(" 30s ")).contains(Duration.ofSeconds(30));
        assertThat(MaterializeScheduler.parse("off")).isEmpty();
        assertThat(MaterializeScheduler.parse("0s")).isEmpty();
        assertThatThrownBy(() -> MaterializeScheduler.parse("often"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slate.offline.materialize-interval");
    }

    @Test
    void aRoundLoadsEveryEnvironmentWithMarkedFeaturesAndSurvivesAFailingOne() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String failing = "t-sched-a-" + suffix; // sorted first: its failure must not stop the others
        String good = "t-sched-b-" + suffix;
        String unmarked = "t-sched-c-" + suffix;
        InMemoryOnlineStore online = new InMemoryOnlineStore();
        online.failWritesTo(failing);
        Instant now = Instant.now();
        FeatureGraph marked = ProjectCompiler.compile(Map.of("slate.yaml", """
                project: p
                entities:
                  user:
                    key: id
                    features: {id: int, score: {type: float, ingested: true, etl_offline_to_online: true}}
                """));
        FeatureGraph plain = ProjectCompiler.compile(Map.of("slate.yaml", """
                project: p
                entities:
                  user:
                    key: id
                    features: {id: int, score: {type: float, ingested: true}}
                """));
        ServingState state = new ServingState();
        state.install(new ActiveDeployment(failing, "d1", 1, marked, now));
        state.install(new ActiveDeployment(good, "d2", 1, marked, now));
        state.install(new ActiveDeployment(unmarked, "d3", 1, plain, now));
        FeatureNode score = marked.feature(new FeatureId("user", "score")).orElseThrow();
        FeatureSlot slot = new FeatureSlot("score", score.version(), score.type());
        InMemoryOfflineStore offline = new InMemoryOfflineStore();
        for (String env : List.of(failing, good, unmarked)) {
            offline.append(List.of(new ObservedValue(
                    env, "user", EntityKey.of(1L), slot, 4.5, now.minusSeconds(5), Provenance.ingested())));
        }
        MaterializeService service = new MaterializeService(
                state, online, offline, MaterializationMarks.inMemory(), Clock.systemUTC(), Duration.ofSeconds(10));
        assertThat(service.environmentsWithMarkedFeatures()).containsExactly(failing, good);

        new MaterializeScheduler(service, () -> "off").runAll();

        StoredValue loaded = online.read(List.of(new OnlineRead(new EntityRef(good, "user", 1L), List.of(slot))))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .get(0)
                .get(0);
        assertThat(loaded).isEqualTo(new StoredValue(4.5, now.minusSeconds(5).truncatedTo(ChronoUnit.MICROS)));
        StoredValue notLoaded = online.read(List.of(new OnlineRead(new EntityRef(unmarked, "user", 1L), List.of(slot))))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .get(0)
                .get(0);
        assertThat(notLoaded).isNull();
    }
}
