package dev.slate.serving.offline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bound query as kept in a job record: its JSON form must stay readable across restarts and versions. */
class OfflineQueryPlanTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aStoredPlanReadsBackToTheSameSlotsAndBounds() throws Exception {
        String stored = """
                {"deployment_id": "d-1",
                 "keys": [{"name": "user.id", "entity": "user", "type": "int"}, {"name": "merchant.id", "entity": "merchant", "type": "string"}],
                 "outputs": [
                   {"name": "user.score", "entity": "user", "feature": "score", "version": "v9", "type": "float", "max_staleness_us": 600000000},
                   {"name": "merchant.tags", "entity": "merchant", "feature": "tags", "version": "v2", "type": "list<string>", "max_staleness_us": null},
                   {"name": "user.seen", "entity": "user", "feature": "seen", "version": "v3", "type": "datetime", "max_staleness_us": 1}]}
                """;

        OfflineQueryPlan plan = JSON.readValue(stored, OfflineQueryPlan.class);

        assertThat(plan.entities()).containsExactly("user", "merchant");
        assertThat(plan.keyOf("merchant").name()).isEqualTo("merchant.id");
        assertThat(plan.outputs().get(0).lookup().slot())
                .isEqualTo(new FeatureSlot("score", "v9", FeatureType.Scalar.FLOAT));
        assertThat(plan.outputs().get(0).lookup().maxStaleness()).contains(Duration.ofMinutes(10));
        assertThat(plan.outputs().get(1).lookup().slot().type())
                .isEqualTo(new FeatureType.ListOf(FeatureType.Scalar.STRING));
        assertThat(plan.outputs().get(1).lookup().maxStaleness()).isEmpty();
        assertThat(plan.outputs().get(2).lookup().maxStaleness()).contains(Duration.ofNanos(1_000));
        assertThat(JSON.readValue(JSON.writeValueAsString(plan), OfflineQueryPlan.class))
                .isEqualTo(plan);
    }

    @Test
    void theRecomputeFlagIsKeptAndPlansStoredBeforeItReadAsReadingTheLog() throws Exception {
        String stored = """
                {"deployment_id": "d-1", "keys": [{"name": "user.id", "entity": "user", "type": "int"}],
                 "outputs": [{"name": "user.a", "entity": "user", "feature": "a", "version": "v1", "type": "int", "max_staleness_us": null}]}
                """;
        OfflineQueryPlan old = JSON.readValue(stored, OfflineQueryPlan.class);
        assertThat(old.recomputes()).isFalse();

        OfflineQueryPlan mixed = new OfflineQueryPlan(
                "d-1",
                old.keys(),
                List.of(
                        old.outputs().get(0),
                        new OfflineQueryPlan.Output("user.b", "user", "b", "v2", "string", null, true)));
        OfflineQueryPlan read = JSON.readValue(JSON.writeValueAsString(mixed), OfflineQueryPlan.class);
        assertThat(read).isEqualTo(mixed);
        assertThat(read.recomputedOutputs())
                .extracting(OfflineQueryPlan.Output::name)
                .containsExactly("user.b");
        assertThat(read.loggedOutputs())
                .extracting(OfflineQueryPlan.Output::name)
                .containsExactly("user.a");
    }

    @Test
    void stalenessBoundsBecomeMicrosecondsAndHugeOnesNoBound() {
        assertThat(OfflineQueryPlan.Output.micros(Optional.empty())).isNull();
        assertThat(OfflineQueryPlan.Output.micros(Optional.of(Duration.ZERO))).isZero();
        assertThat(OfflineQueryPlan.Output.micros(Optional.of(Duration.ofSeconds(1, 999))))
                .isEqualTo(1_000_000L);
        assertThat(OfflineQueryPlan.Output.micros(Optional.of(Duration.ofDays(1000))))
                .isEqualTo(86_400_000_000L * 1000);
        assertThat(OfflineQueryPlan.Output.micros(Optional.of(Duration.ofSeconds(Long.MAX_VALUE))))
                .as("beyond any time span kept")
                .isNull();
    }

    @Test
    void jobStatusesKnowWhetherTheyAreFinal() {
        assertThat(List.of(JobStatus.values()).stream()
                        .filter(JobStatus::finished)
                        .toList())
                .containsExactly(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED);
    }
}
