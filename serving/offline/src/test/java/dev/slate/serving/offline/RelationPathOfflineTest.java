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
 * Offline queries for features read through has_one relations ({@code transaction.user.country}): the foreign key as
 * of each spine row's time, then the related entity's value as of that time (docs/offline.md, "Relationships"). Job
 * records in the machine's PostgreSQL (a schema of their own), observations in the reference offline store.
 */
class RelationPathOfflineTest {

    private static final String ENV = "default";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);

    @TempDir
    Path tmp;

    private JobsSchema schema;
    private ServingState state;
    private InMemoryOfflineStore log;
    private OfflineQueryService service;

    @BeforeEach
    void setUp() throws Exception {
        schema = JobsSchema.create("rp_");
        String yaml = """
                project: rp
                entities:
                  transaction:
                    key: id
                    features:
                      id: int
                      user_id: {type: int, ingested: true}
                      user: {has_one: user, foreign_key: user_id}
                  user:
                    key: id
                    features:
                      id: int
                      country: {type: string, ingested: true}
                      account_id: {type: string, ingested: true, max_staleness: 3d}
                      account: {has_one: account, foreign_key: account_id}
                      code: {type: string, expression: "country + '-x'"}
                  account:
                    key: id
                    features:
                      id: string
                      balance: {type: float, ingested: true}
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

    private void observe(String feature, Object key, Object value, Instant at) {
        FeatureNode node = state.snapshot(ENV).orElseThrow().feature(feature);
        log.append(List.of(ObservedValue.of(
                new EntityRef(ENV, node.id().entity(), key),
                new FeatureSlot(node.id().name(), node.version(), node.type()),
                value,
                at,
                Provenance.ingested())));
    }

    private JsonNode run(List<Long> transactions, List<Instant> times, List<String> outputs) throws Exception {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("transaction.id", transactions);
        OfflineJob submitted = service.submit(
                ENV,
                new OfflineQueryRequest(
                        inputs,
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
        return JSON.readTree(out.toByteArray()).get("rows");
    }

    private static String text(JsonNode row, String column) {
        JsonNode v = row.get(column);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Test
    void theForeignKeyAndTheRelatedValueAreEachTakenAsOfTheRowsTime() throws Exception {
        observe("transaction.user_id", 10L, 1L, T0);
        observe(
                "transaction.user_id",
                10L,
                2L,
                T0.plus(DAY.multipliedBy(10))); // a correction: the transaction was user 2's
        observe("user.country", 1L, "GB", T0);
        observe("user.country", 1L, "FR", T0.plus(DAY.multipliedBy(5)));
        observe("user.country", 2L, "JP", T0.plus(DAY.multipliedBy(12)));
        // transaction 11 has no user; transaction 12's user has no country
        observe("transaction.user_id", 12L, 3L, T0);

        List<Long> ids = List.of(10L, 10L, 10L, 10L, 10L, 11L, 12L, 10L);
        List<Instant> times = List.of(
                T0.minusSeconds(1),
                T0.plus(DAY),
                T0.plus(DAY.multipliedBy(6)),
                T0.plus(DAY.multipliedBy(11)),
                T0.plus(DAY.multipliedBy(13)),
                T0.plus(DAY),
                T0.plus(DAY),
                T0.plus(DAY));
        JsonNode rows = run(ids, times, List.of("transaction.user.country", "transaction.user_id"));
        assertThat(rows).hasSize(ids.size());
        List<String> countries = new ArrayList<>();
        rows.forEach(r -> countries.add(text(r, "transaction.user.country")));
        // before any foreign key; user 1 then; user 1 after its move; user 2 before its country; user 2 after; no user;
        // user without country;
        // and a duplicate of row 1 (every spine row is answered, in order)
        assertThat(countries).containsExactly(null, "GB", "FR", null, "JP", null, null, "GB");
        assertThat(rows.get(3).get("transaction.user_id").asLong()).isEqualTo(2L);
        assertThat(rows.get(2).get("transaction.id").asLong()).isEqualTo(10L);
    }

    @Test
    void chainsFollowEveryHopAtTheRowsTimeWithEachForeignKeysStaleness() throws Exception {
        observe("transaction.user_id", 10L, 1L, T0);
        observe("user.account_id", 1L, "acc-a", T0); // max_staleness 3d
        observe("user.account_id", 1L, "acc-b", T0.plus(DAY.multipliedBy(5)));
        observe("account.balance", "acc-a", 100.5, T0);
        observe("account.balance", "acc-b", 7.25, T0);

        List<Instant> times = List.of(T0.plus(DAY), T0.plus(DAY.multipliedBy(4)), T0.plus(DAY.multipliedBy(6)));
        JsonNode rows = run(List.of(10L, 10L, 10L), times, List.of("transaction.user.account.balance"));
        assertThat(rows.get(0).get("transaction.user.account.balance").asDouble())
                .isEqualTo(100.5);
        assertThat(rows.get(1).get("transaction.user.account.balance").isNull())
                .as("the account id is more than 3d old")
                .isTrue();
        assertThat(rows.get(2).get("transaction.user.account.balance").asDouble())
                .isEqualTo(7.25);
    }

    @Test
    void everyForeignKeyNullGivesNullsAndAnExpressionAtTheEndIsRefused() throws Exception {
        JsonNode rows = run(List.of(10L, 11L), List.of(T0, T0), List.of("transaction.user.country"));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("transaction.user.country").isNull()).isTrue();
        assertThat(rows.get(1).get("transaction.user.country").isNull()).isTrue();

        Map<String, Object> inputs = Map.of("transaction.id", List.of(10L));
        assertThatThrownBy(() -> service.submit(
                        ENV,
                        new OfflineQueryRequest(
                                inputs,
                                new ArrayList<>(List.of(T0.toString())),
                                List.of("transaction.user.code"),
                                null,
                                Optional.empty())))
                .isInstanceOf(SlateException.class)
                .hasMessageContaining("expressions");
    }
}
