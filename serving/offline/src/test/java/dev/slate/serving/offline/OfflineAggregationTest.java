package dev.slate.serving.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.testing.InMemoryOfflineStore;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windowed aggregations in offline queries, case by case (docs/specs/aggregations.md, "Aggregations offline"): rows as
 * known at each spine time, corrections and deletes by re-ingest, late rows by event time, per-row failures in
 * {@code feature_errors}, and what is refused at submission. Job records in the machine's PostgreSQL, observations in
 * the reference offline store.
 */
class OfflineAggregationTest {

    private static final String ENV = "default";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    @TempDir
    Path tmp;

    private JobsSchema schema;
    private ServingState state;
    private InMemoryOfflineStore log;
    private OfflineQueryService service;

    @BeforeEach
    void setUp() throws Exception {
        schema = JobsSchema.create("oa_");
        String yaml = """
                project: oa
                entities:
                  user:
                    key: id
                    features:
                      id: int
                      transactions: {has_many: transaction, foreign_key: user_id}
                      n: {aggregate: count, over: transactions, windows: [1h, 1d]}
                      spend: {aggregate: sum, of: amount, over: transactions, windows: [1h, 1d]}
                      big: {aggregate: count, over: transactions, windows: [1d], where: "100 / int(amount) >= 0"}
                  transaction:
                    key: id
                    time: ts
                    features:
                      id: int
                      user_id: {type: int, ingested: true}
                      amount: {type: float, ingested: true}
                      ts: {type: datetime, ingested: true}
                """;
        state = new ServingState();
        state.install(new ActiveDeployment(ENV, "d-1", 1, ProjectCompiler.compile(Map.of("slate.yaml", yaml)), T0));
        log = new InMemoryOfflineStore();
        service = new OfflineQueryService(
                state,
                log,
                new OfflineJobRepository(schema.dataSource()),
                OfflineQueryConfig.of(tmp.resolve("jobs"), 100_000, 1, 10),
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        service.close();
        schema.drop();
    }

    /** Ingests one transaction row (user, amount, event time) observed at {@code at}. */
    private void transaction(long id, Long user, Double amount, Instant ts, Instant at) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("transaction.user_id", user);
        values.put("transaction.amount", amount);
        values.put("transaction.ts", ts);
        List<ObservedValue> row = new ArrayList<>();
        values.forEach((feature, value) -> {
            FeatureNode node = state.snapshot(ENV).orElseThrow().feature(feature);
            row.add(ObservedValue.of(
                    new EntityRef(ENV, "transaction", id),
                    new FeatureSlot(node.id().name(), node.version(), node.type()),
                    value,
                    at,
                    Provenance.ingested()));
        });
        log.append(row);
    }

    private JsonNode run(List<Long> users, List<Instant> times, List<String> outputs) throws Exception {
        OfflineJob submitted = service.submit(
                ENV,
                new OfflineQueryRequest(
                        Map.of("user.id", users),
                        new ArrayList<>(times.stream().map(Instant::toString).toList()),
                        outputs,
                        null,
                        Optional.empty()));
        OfflineJob job = Awaitility.await("job finishes")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> service.get(ENV, submitted.id()), j -> j.status().finished());
        assertThat(job.status()).as(job.error().orElse("")).isEqualTo(JobStatus.SUCCEEDED);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        service.writeJson(service.result(ENV, job.id()), out);
        return JSON.readTree(out.toByteArray());
    }

    private static List<String> column(JsonNode result, String name) {
        List<String> out = new ArrayList<>();
        result.get("rows")
                .forEach(r -> out.add(r.get(name).isNull() ? null : r.get(name).asText()));
        return out;
    }

    @Test
    void rowsCountAsKnownAtEachTimeWithCorrectionsDeletesAndLateRows() throws Exception {
        Instant m10 = T0.minus(Duration.ofMinutes(10));
        transaction(1, 1L, 10.0, m10, m10); // on time
        transaction(2, 1L, 20.0, m10, T0.plus(Duration.ofHours(2))); // late: known two hours after it happened
        transaction(3, 1L, 30.0, T0, T0); // exactly at T0: in
        transaction(3, 1L, 35.0, T0, T0); // corrected at the same time: the later write wins
        transaction(
                4,
                1L,
                40.0,
                T0.minus(Duration.ofHours(1)),
                T0.minus(Duration.ofHours(1))); // exactly 1h old at T0: out of [1h]
        transaction(1, 2L, 10.0, m10, T0.plus(Duration.ofHours(3))); // moves to user 2 three hours later
        transaction(4, 1L, 40.0, null, T0.plus(Duration.ofHours(4))); // deleted four hours later

        List<Instant> times = List.of(
                T0,
                T0.plus(Duration.ofMinutes(150)),
                T0.plus(Duration.ofMinutes(210)),
                T0.plus(Duration.ofMinutes(270)));
        JsonNode result = run(List.of(1L, 1L, 1L, 1L), times, List.of("user.n[1h]", "user.n[1d]", "user.spend[1d]"));

        // T0: rows 1, 3 (corrected) in 1h; 4 too in 1d. +2.5h: row 2 is known now (1d only, as 1h has passed).
        // +3.5h: row 1 belongs to user 2. +4.5h: row 4 is deleted.
        assertThat(column(result, "user.n[1h]")).containsExactly("2", "0", "0", "0");
        assertThat(column(result, "user.n[1d]")).containsExactly("3", "4", "3", "2");
        assertThat(column(result, "user.spend[1d]")).containsExactly("85.0", "105.0", "95.0", "55.0");
        assertThat(result.get("feature_errors").isNull()).isTrue();

        JsonNode other = run(List.of(2L, 2L), List.of(T0, T0.plus(Duration.ofMinutes(210))), List.of("user.n[1d]"));
        assertThat(column(other, "user.n[1d]")).containsExactly("0", "1");
    }

    @Test
    void aRowThatCannotBeAggregatedIsANullCountedInFeatureErrors() throws Exception {
        transaction(1, 1L, 500.0, T0, T0);
        transaction(2, 1L, 0.0, T0.plusSeconds(60), T0.plusSeconds(60)); // the where divides by zero on this row

        JsonNode result = run(List.of(1L, 1L), List.of(T0, T0.plusSeconds(60)), List.of("user.big[1d]"));
        assertThat(column(result, "user.big[1d]")).containsExactly("1", null);
        JsonNode errors = result.get("feature_errors");
        assertThat(errors.get("total").asInt()).as(errors.toString()).isEqualTo(1);
        assertThat(errors.get("features").get(0).get("feature").asText()).isEqualTo("user.big[1d]");
        assertThat(errors.get("features").get(0).get("first").get(0).get("row").asInt())
                .isEqualTo(1);
    }

    @Test
    void anAggregationCannotBeRecomputedAndNeedsTheParentsKey() {
        assertThatThrownBy(() -> OfflineQueryBinder.bind(
                        state.snapshot(ENV).orElseThrow(),
                        List.of("user.id"),
                        List.of("user.n[1h]"),
                        Recompute.fromJson(List.of("user.n[1h]"))))
                .isInstanceOf(SlateException.class)
                .hasMessageContaining("windowed aggregation");
        assertThatThrownBy(() -> service.submit(
                        ENV,
                        new OfflineQueryRequest(
                                Map.of("transaction.id", List.of(1L)),
                                new ArrayList<>(List.of(T0.toString())),
                                List.of("user.n[1h]"),
                                null,
                                Optional.empty())))
                .isInstanceOf(SlateException.class)
                .hasMessageContaining("user.id");
    }
}
