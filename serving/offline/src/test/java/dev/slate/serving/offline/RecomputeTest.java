package dev.slate.serving.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.exec.QueryObserver;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.query.OnlineQueryRequest;
import dev.slate.serving.engine.query.OnlineQueryService;
import dev.slate.serving.engine.query.QueryAnswer;
import dev.slate.serving.engine.query.QueryLimits;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.engine.source.SourceKindResolverRunner;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.source.duckdb.DuckDbResolverRunner;
import dev.slate.serving.source.postgres.PostgresResolverRunner;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.Values;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.spi.offline.SpineRow;
import dev.slate.storage.testing.InMemoryOfflineStore;
import dev.slate.storage.testservers.TestServers;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Offline queries that recompute features, against the test PostgreSQL ({@link TestServers}:
 * the job records, with the real migrations, and the resolvers' source table, each in a schema of its
 * own), a real Parquet source read by DuckDB, and the serving engine's own resolver runners.
 */
class RecomputeTest {

    private static final String ENV = "default";
    private static final String PG_URL = TestServers.postgres().url();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    private final String schema =
            "rc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private PGSimpleDataSource dataSource;
    private Vertx vertx;
    private PostgresResolverRunner postgres;
    private DuckDbResolverRunner duckdb;
    private ResolverRunner resolvers;
    private ServingState state;
    private InMemoryOfflineStore log;
    private final List<OfflineQueryService> services = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(TestServers.postgres().jdbcUrl());
        dataSource.setUser(TestServers.postgres().user());
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
            st.execute("SET search_path TO " + schema);
            for (String migration : JobsSchema.MIGRATIONS) {
                st.execute(JobsSchema.migration(migration));
            }
            st.execute("CREATE TABLE users (id bigint PRIMARY KEY, email text, age int, signed_up timestamptz)");
            st.execute(
                    "INSERT INTO users VALUES (1, 'ann@example.com', 34, '2025-12-01T00:00:00Z'), (2, 'bob@test.org', 17, '2025-12-25T12:00:00Z'),"
                            + " (3, 'cy@example.com', 50, '2025-06-01T00:00:00Z')");
        }
        dataSource.setCurrentSchema(schema);

        Path root = tmp.resolve("sources");
        Files.createDirectories(root.resolve("crm"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute(
                    "COPY (SELECT * FROM (VALUES (1::BIGINT, 'gold'), (2::BIGINT, 'silver'), (3::BIGINT, 'bronze')) t(id, tier)) TO '"
                            + root.resolve("crm/users.parquet") + "' (FORMAT PARQUET)");
        }
        vertx = Vertx.vertx();
        postgres = new PostgresResolverRunner(vertx, text -> text);
        duckdb = new DuckDbResolverRunner(new DuckDbResolverRunner.Settings(root, 1, 1000, Duration.ZERO, "256MB"));
        resolvers = new SourceKindResolverRunner(postgres, duckdb);
        state = new ServingState();
        deploy("d-1", "");
        log = new InMemoryOfflineStore();
    }

    @AfterEach
    void tearDown() throws Exception {
        services.forEach(OfflineQueryService::close);
        postgres.close();
        duckdb.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Connection c = TestServers.postgres().connect();
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private void deploy(String deploymentId, String extraFeatures) throws Exception {
        String yaml = """
                project: rc
                sources:
                  appdb: {kind: postgres, url: "%s", username: postgres}
                  crm: {kind: parquet, path: "crm/users.parquet"}
                entities:
                  user:
                    key: id
                    features:
                      id: int
                      email: string
                      age: int
                      signed_up: datetime
                      email_domain: {type: string, expression: "email.split('@')[1]"}
                      is_adult: {type: bool, expression: "age >= 18"}
                      days_signed_up: {type: int, expression: "(now - signed_up).getHours() / 24"}
                      tier: string
                      credit_limit: {type: float, ingested: true}
                      limit_per_year: {type: float, expression: "credit_limit / double(age)"}
                      inverse: int
                      slow: bool%s
                resolvers:
                  - name: profile
                    source: appdb
                    timeout: 30s
                    sql: "SELECT email, age, signed_up FROM %s.users WHERE id = :id"
                  - name: crm_tier
                    source: crm
                    timeout: 30s
                    sql: "SELECT tier FROM crm WHERE id = :id"
                  - name: inverse
                    source: appdb
                    sql: "SELECT 100 / (id - 3) AS inverse FROM %s.users WHERE id = :id"
                  - name: slow
                    source: appdb
                    sql: "SELECT pg_sleep(0.3) IS NOT NULL AS slow FROM %s.users WHERE id = :id"
                """.formatted(PG_URL, extraFeatures, schema, schema, schema);
        state.install(
                new ActiveDeployment(ENV, deploymentId, 1, ProjectCompiler.compile(Map.of("slate.yaml", yaml)), T0));
    }

    private OfflineQueryService service(String jobsDir, int concurrency) {
        OfflineQueryConfig config =
                OfflineQueryConfig.of(tmp.resolve(jobsDir), 100_000, 1, 10).withRecompute(concurrency, 10_000);
        OfflineQueryService s = new OfflineQueryService(
                state, log, new OfflineJobRepository(dataSource), config, Clock.systemUTC(), resolvers);
        services.add(s);
        return s;
    }

    /** @param recompute the JSON field's value, read as the REST layer reads it */
    private static OfflineQueryRequest request(
            List<Long> ids, List<String> times, List<String> outputs, Object recompute) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("user.id", ids);
        return new OfflineQueryRequest(
                inputs, new ArrayList<>(times), outputs, Recompute.fromJson(recompute), Optional.empty());
    }

    private static OfflineJob await(OfflineQueryService service, String id) {
        return Awaitility.await("job " + id + " finishes")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> service.get(ENV, id), job -> job.status().finished());
    }

    private static JsonNode json(OfflineQueryService service, String id) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        service.writeJson(service.result(ENV, id), out);
        return JSON.readTree(out.toByteArray());
    }

    private void logValue(String feature, long id, Object value, Instant at) {
        FeatureNode node = state.snapshot(ENV).orElseThrow().feature(feature);
        log.append(List.of(ObservedValue.of(
                new EntityRef(ENV, "user", id),
                new FeatureSlot(node.id().name(), node.version(), node.type()),
                value,
                at,
                Provenance.ingested())));
    }

    // ---- agreement with online --------------------------------------------------------------------

    @Test
    void recomputingEverythingAgreesWithOnlineQueriesAtTheSameTimes() throws Exception {
        OfflineQueryService service = service("jobs", 4);
        List<String> outputs =
                List.of("user.email", "user.email_domain", "user.is_adult", "user.days_signed_up", "user.tier");
        List<Long> ids = List.of(1L, 2L, 1L, 3L, 99L, 2L);
        List<String> times = List.of(
                "2026-01-01T00:00:00Z",
                "2026-01-05T12:00:00+02:00",
                "2026-02-10T08:00:00Z",
                "2026-01-02T00:00:00Z",
                "2026-01-01T00:00:00Z",
                "2026-01-05T12:00:00+02:00");

        OfflineJob submitted = service.submit(ENV, request(ids, times, outputs, true));
        assertThat(submitted.plan().recomputedOutputs())
                .extracting(OfflineQueryPlan.Output::name)
                .containsExactlyElementsOf(outputs);
        OfflineJob job = await(service, submitted.id());
        assertThat(job.status()).as(job.error().orElse("")).isEqualTo(JobStatus.SUCCEEDED);
        JsonNode rows = json(service, job.id()).get("rows");
        assertThat(rows).hasSize(ids.size());

        OnlineQueryService online = new OnlineQueryService(
                state,
                new PlanExecutor(NoOnlineStore.INSTANCE, resolvers, QueryObserver.NONE, Duration.ofSeconds(1)),
                new QueryLimits(100, 100, 100),
                Clock.systemUTC());
        for (int r = 0; r < ids.size(); r++) {
            QueryAnswer answer = online.query(
                            ENV,
                            new OnlineQueryRequest(
                                    Map.of("user.id", ids.get(r)), outputs, Map.of(), times.get(r), false, false, null))
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            Map<String, Object> onlineValues = new HashMap<>();
            for (int o = 0; o < outputs.size(); o++) {
                onlineValues.put(outputs.get(o), answer.value(0, o));
            }
            JsonNode row = rows.get(r);
            assertThat(row.get("user.id").asLong()).isEqualTo(ids.get(r));
            assertThat(Instant.parse(row.get("input_time").asText())).isEqualTo(Values.toInstant(times.get(r)));
            for (String f : outputs) {
                Object expected = onlineValues.get(f);
                Object actual = JSON.treeToValue(row.get(f), Object.class);
                if (expected instanceof Long l) {
                    assertThat(((Number) actual).longValue())
                            .as("row %d %s", r, f)
                            .isEqualTo(l);
                } else {
                    assertThat(actual).as("row %d %s", r, f).isEqualTo(expected);
                }
            }
        }
        // and the values are the real ones, not two agreeing nulls
        assertThat(rows.get(0).get("user.email_domain").asText()).isEqualTo("example.com");
        assertThat(rows.get(0).get("user.days_signed_up").asLong()).isEqualTo(31);
        assertThat(rows.get(2).get("user.days_signed_up").asLong())
                .as("now is the row's input time")
                .isEqualTo(71);
        assertThat(rows.get(1).get("user.is_adult").asBoolean()).isFalse();
        assertThat(rows.get(1).get("user.tier").asText())
                .as("from the Parquet source")
                .isEqualTo("silver");
        assertThat(rows.get(3).get("user.tier").asText()).isEqualTo("bronze");
        assertThat(rows.get(4).get("user.email").isNull())
                .as("unknown key: null, row kept")
                .isTrue();
        // nothing was appended to the feature log
        assertThat(log.lookup(new PointInTimeQuery(
                                ENV,
                                "user",
                                List.of(new SpineRow(EntityKey.of(1L), T0.plusSeconds(86_400 * 100))),
                                List.of(FeatureLookup.latest(slot("user.email")))))
                        .get(0, 0))
                .isNull();
    }

    private FeatureSlot slot(String feature) {
        FeatureNode node = state.snapshot(ENV).orElseThrow().feature(feature);
        return new FeatureSlot(node.id().name(), node.version(), node.type());
    }

    @Test
    void theResultFileIsParquetWithOneRowPerSpineRowInOrder() throws Exception {
        OfflineQueryService service = service("jobs", 3);
        List<Long> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (int i = 0; i < 2500; i++) { // more than two chunks
            ids.add((long) (i % 4) + 1);
            times.add(T0.plusSeconds(3600L * i).toString());
        }
        OfflineJob job = await(
                service,
                service.submit(
                                ENV,
                                request(
                                        ids,
                                        times,
                                        List.of("user.tier", "user.is_adult"),
                                        List.of("user.tier", "user.is_adult")))
                        .id());
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.resultRows()).contains(2500L);
        // key 4 is not in the source: its age is null, and "age >= 18" fails on it, as it does online
        assertThat(job.featureErrors()).hasValueSatisfying(e -> {
            assertThat(e.total()).isEqualTo(625);
            assertThat(e.features()).singleElement().satisfies(f -> {
                assertThat(f.feature()).isEqualTo("user.is_adult");
                assertThat(f.first()).extracting(FeatureErrors.Sample::row).containsExactly(3L, 7L, 11L, 15L, 19L);
                assertThat(f.first().get(0).message()).contains("user.age is null");
            });
        });
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT \"user.id\", \"user.tier\", \"user.is_adult\", typeof(\"user.tier\"), typeof(\"user.is_adult\")"
                                + " FROM read_parquet('"
                                + service.result(ENV, job.id()).file() + "')")) {
            int r = 0;
            Map<Long, String> tiers = Map.of(1L, "gold", 2L, "silver", 3L, "bronze");
            while (rs.next()) {
                long id = rs.getLong(1);
                assertThat(id).isEqualTo(ids.get(r));
                assertThat(rs.getString(2)).isEqualTo(tiers.get(id));
                if (id == 4) {
                    assertThat(rs.getObject(3)).isNull();
                } else {
                    assertThat(rs.getBoolean(3)).isEqualTo(id != 2);
                }
                assertThat(rs.getString(4)).isEqualTo("VARCHAR");
                assertThat(rs.getString(5)).isEqualTo("BOOLEAN");
                r++;
            }
            assertThat(r).isEqualTo(2500);
        }
    }

    @Test
    void theArrowStreamHoldsTheParquetColumnsWithTheValuesOfTheJsonForm() throws Exception {
        OfflineQueryService service = service("jobs", 3);
        List<Long> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            ids.add((long) (i % 4) + 1);
            times.add(T0.plusSeconds(60L * i).toString());
        }
        OfflineJob job = await(
                service,
                service.submit(
                                ENV,
                                request(
                                        ids,
                                        times,
                                        List.of("user.tier", "user.is_adult"),
                                        List.of("user.tier", "user.is_adult")))
                        .id());
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        JsonNode json = json(service, job.id());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        service.writeArrow(service.result(ENV, job.id()), out, 600); // five record batches

        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader =
                        new ArrowStreamReader(new ByteArrayInputStream(out.toByteArray()), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertThat(root.getSchema().getFields())
                    .extracting(Field::getName)
                    .containsExactly("user.id", "input_time", "user.tier", "user.is_adult");
            assertThat(root.getSchema().findField("user.id").getType()).isEqualTo(new ArrowType.Int(64, true));
            assertThat(root.getSchema().findField("user.tier").getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
            assertThat(root.getSchema().findField("user.is_adult").getType()).isEqualTo(ArrowType.Bool.INSTANCE);
            assertThat(root.getSchema().findField("input_time").getType()).isInstanceOf(ArrowType.Timestamp.class);
            int r = 0;
            int batches = 0;
            while (reader.loadNextBatch()) {
                batches++;
                BigIntVector id = (BigIntVector) root.getVector("user.id");
                VarCharVector tier = (VarCharVector) root.getVector("user.tier");
                BitVector adult = (BitVector) root.getVector("user.is_adult");
                TimeStampVector time = (TimeStampVector) root.getVector("input_time");
                for (int i = 0; i < root.getRowCount(); i++, r++) {
                    JsonNode row = json.get("rows").get(r);
                    assertThat(id.get(i)).isEqualTo(row.get("user.id").asLong());
                    assertThat(tier.isNull(i) ? null : new String(tier.get(i), StandardCharsets.UTF_8))
                            .isEqualTo(
                                    row.get("user.tier").isNull()
                                            ? null
                                            : row.get("user.tier").asText());
                    assertThat(adult.isNull(i) ? null : adult.get(i) == 1)
                            .isEqualTo(
                                    row.get("user.is_adult").isNull()
                                            ? null
                                            : row.get("user.is_adult").asBoolean());
                    assertThat(Instant.EPOCH.plus(time.get(i), ChronoUnit.MICROS))
                            .isEqualTo(Instant.parse(row.get("input_time").asText()));
                }
            }
            assertThat(r).isEqualTo(3_000).isEqualTo(json.get("rows").size());
            assertThat(batches).isEqualTo(5);
        }
    }

    // ---- expressions offline by default (derived outputs) ------------------------------------------

    @Test
    void expressionOutputsAreComputedFromPointInTimeInputsWithNowTheRowTime() throws Exception {
        OfflineQueryService service = service("jobs", 2);
        logValue("user.age", 1, 20L, T0); // a resolver output, as an online query logs it
        logValue("user.age", 1, 40L, T0.plusSeconds(86_400 * 10));
        logValue("user.credit_limit", 1, 4000.0, T0); // ingested
        logValue("user.signed_up", 1, Instant.parse("2025-12-01T00:00:00Z"), T0);
        logValue("user.limit_per_year", 1, -1.0, T0); // a logged value of the expression itself is not what is answered

        List<String> outputs = List.of("user.limit_per_year", "user.is_adult", "user.days_signed_up", "user.age");
        List<String> times = List.of("2025-12-31T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-21T00:00:00Z");
        OfflineJob submitted = service.submit(ENV, request(List.of(1L, 1L, 1L), times, outputs, null));
        assertThat(submitted.plan().outputs())
                .extracting(OfflineQueryPlan.Output::derive)
                .containsExactly(true, true, true, false);
        assertThat(submitted.plan().outputs())
                .extracting(OfflineQueryPlan.Output::recompute)
                .containsOnly(false);
        OfflineJob job = await(service, submitted.id());
        assertThat(job.status()).as(job.error().orElse("")).isEqualTo(JobStatus.SUCCEEDED);
        JsonNode rows = json(service, job.id()).get("rows");

        // row 0: before any input was observed: null, with the reason counted per feature
        assertThat(rows.get(0).get("user.limit_per_year").isNull()).isTrue();
        assertThat(rows.get(0).get("user.age").isNull()).isTrue();
        // row 1: the inputs as of that time, now = the row's time
        assertThat(rows.get(1).get("user.limit_per_year").asDouble()).isEqualTo(200.0);
        assertThat(rows.get(1).get("user.is_adult").asBoolean()).isTrue();
        assertThat(rows.get(1).get("user.days_signed_up").asLong()).isEqualTo(32);
        assertThat(rows.get(1).get("user.age").asLong())
                .as("a resolver output is still read from the log")
                .isEqualTo(20);
        // row 2: the later age
        assertThat(rows.get(2).get("user.limit_per_year").asDouble()).isEqualTo(100.0);
        assertThat(rows.get(2).get("user.days_signed_up").asLong()).isEqualTo(51);
        assertThat(job.featureErrors()).hasValueSatisfying(e -> {
            assertThat(e.rows()).isEqualTo(1);
            assertThat(e.features())
                    .extracting(FeatureErrors.PerFeature::feature)
                    .containsExactly("user.limit_per_year", "user.is_adult", "user.days_signed_up");
            assertThat(e.features().get(0).first().get(0).message()).contains("user.age, user.credit_limit are null");
        });
    }

    @Test
    void derivedRecomputedAndLoggedOutputsMixInOneJob() throws Exception {
        OfflineQueryService service = service("jobs", 2);
        logValue("user.email", 1, "old@logged.org", T0);
        OfflineJob submitted = service.submit(
                ENV,
                request(
                        List.of(1L),
                        List.of("2026-01-02T00:00:00Z"),
                        List.of("user.email", "user.email_domain", "user.is_adult"),
                        List.of("user.is_adult")));
        assertThat(submitted.plan().outputs())
                .extracting(OfflineQueryPlan.Output::derive)
                .containsExactly(false, true, false);
        OfflineJob job = await(service, submitted.id());
        assertThat(job.status()).as(job.error().orElse("")).isEqualTo(JobStatus.SUCCEEDED);
        JsonNode row = json(service, job.id()).get("rows").get(0);
        assertThat(row.get("user.email").asText()).isEqualTo("old@logged.org");
        assertThat(row.get("user.email_domain").asText())
                .as("derived from the logged email")
                .isEqualTo("logged.org");
        assertThat(row.get("user.is_adult").asBoolean())
                .as("recomputed from PostgreSQL")
                .isTrue();
    }

    // ---- recomputed and logged outputs together ---------------------------------------------------

    @Test
    void aRecomputeListMixesRecomputedAndLoggedOutputs() throws Exception {
        OfflineQueryService service = service("jobs", 2);
        logValue("user.email", 1, "old@logged.org", T0);
        logValue("user.email_domain", 1, "logged.org", T0);
        logValue("user.credit_limit", 1, 3400.0, T0);
        logValue("user.credit_limit", 1, 6800.0, T0.plusSeconds(86_400 * 10));

        List<String> outputs = List.of("user.email", "user.email_domain", "user.credit_limit", "user.limit_per_year");
        OfflineJob submitted = service.submit(
                ENV,
                request(
                        List.of(1L, 1L, 1L),
                        List.of("2025-12-31T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-20T00:00:00Z"),
                        outputs,
                        List.of("user.email_domain", "user.limit_per_year")));
        assertThat(submitted.plan().outputs())
                .extracting(OfflineQueryPlan.Output::recompute)
                .containsExactly(false, true, false, true);
        OfflineJob job = await(service, submitted.id());
        assertThat(job.status()).as(job.error().orElse("")).isEqualTo(JobStatus.SUCCEEDED);
        JsonNode result = json(service, job.id());
        JsonNode rows = result.get("rows");

        // row 0: before anything was logged
        assertThat(rows.get(0).get("user.email").isNull()).isTrue();
        assertThat(rows.get(0).get("user.email_domain").asText())
                .as("recomputed from PostgreSQL")
                .isEqualTo("example.com");
        assertThat(rows.get(0).get("user.credit_limit").isNull()).isTrue();
        assertThat(rows.get(0).get("user.limit_per_year").isNull())
                .as("its ingested input has no logged value yet")
                .isTrue();
        // row 1: logged values for the logged outputs, recomputed ones from the source, ingested inputs point-in-time
        // from the log
        assertThat(rows.get(1).get("user.email").asText()).isEqualTo("old@logged.org");
        assertThat(rows.get(1).get("user.email_domain").asText()).isEqualTo("example.com");
        assertThat(rows.get(1).get("user.credit_limit").asDouble()).isEqualTo(3400.0);
        assertThat(rows.get(1).get("user.limit_per_year").asDouble()).isEqualTo(100.0);
        assertThat(rows.get(2).get("user.limit_per_year").asDouble())
                .as("the later logged credit limit")
                .isEqualTo(200.0);

        assertThat(result.get("recomputed"))
                .extracting(JsonNode::asText)
                .containsExactly("user.email_domain", "user.limit_per_year");
        FeatureErrors errors = job.featureErrors().orElseThrow();
        assertThat(errors.total()).isEqualTo(1);
        assertThat(errors.features()).singleElement().satisfies(f -> {
            assertThat(f.feature()).isEqualTo("user.limit_per_year");
            assertThat(f.first()).singleElement().satisfies(s -> {
                assertThat(s.row()).isZero();
                assertThat(s.code()).isEqualTo("RESOLVER_FAILED");
                assertThat(s.message()).contains("credit_limit");
            });
        });
        assertThat(result.get("feature_errors").get("total").asLong()).isEqualTo(1);
    }

    // ---- failures ---------------------------------------------------------------------------------

    @Test
    void aFailingResolverGivesNullsAndFeatureErrorsButTheOtherValues() throws Exception {
        OfflineQueryService service = service("jobs", 2);
        OfflineJob job = await(
                service,
                service.submit(
                                ENV,
                                request(
                                        List.of(1L, 3L, 2L, 3L),
                                        List.of(
                                                "2026-01-01T00:00:00Z",
                                                "2026-01-01T00:00:00Z",
                                                "2026-01-01T00:00:00Z",
                                                "2026-01-03T00:00:00Z"),
                                        List.of("user.inverse", "user.email_domain"),
                                        true))
                        .id());

        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        JsonNode rows = json(service, job.id()).get("rows");
        assertThat(rows.get(0).get("user.inverse").asLong()).isEqualTo(-50);
        assertThat(rows.get(1).get("user.inverse").isNull()).isTrue();
        assertThat(rows.get(1).get("user.email_domain").asText()).isEqualTo("example.com");
        assertThat(rows.get(2).get("user.inverse").asLong()).isEqualTo(-100);
        assertThat(rows.get(3).get("user.inverse").isNull()).isTrue();

        FeatureErrors errors = job.featureErrors().orElseThrow();
        assertThat(errors.total()).isEqualTo(2);
        assertThat(errors.rows()).isEqualTo(2);
        FeatureErrors.PerFeature inverse = errors.features().get(0);
        assertThat(inverse.feature()).isEqualTo("user.inverse");
        assertThat(inverse.count()).isEqualTo(2);
        assertThat(inverse.first()).extracting(FeatureErrors.Sample::row).containsExactly(1L, 3L);
        assertThat(inverse.first().get(0).code()).isEqualTo("RESOLVER_FAILED");
        assertThat(inverse.first().get(0).resolver()).isEqualTo("inverse");
        assertThat(inverse.first().get(0).message()).contains("division by zero");
        // the summary is in the stored record, not only in memory
        assertThat(new OfflineJobRepository(dataSource)
                        .find(job.id())
                        .orElseThrow()
                        .featureErrors())
                .contains(errors);
    }

    @Test
    void aCancelledRecomputationStopsAndLeavesNoResult() throws Exception {
        OfflineQueryService service = service("jobs", 1);
        List<Long> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // 0.3 s per row, one at a time: a minute unless cancelled
            ids.add(1L);
            times.add(T0.toString());
        }
        OfflineJob submitted = service.submit(ENV, request(ids, times, List.of("user.slow"), true));
        Awaitility.await("recomputing")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> service.get(ENV, submitted.id()).progress().stage(), "recomputing"::equals);
        OfflineJob cancelled = service.cancel(ENV, submitted.id());
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);

        Awaitility.await("the worker stops before the spine's end")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> service.liveJobs() == 0);
        assertThat(service.get(ENV, submitted.id()).status()).isEqualTo(JobStatus.CANCELLED);
        try (var files = Files.list(service.jobDir(submitted.id()))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(OfflineQueryService.SPINE_FILE);
        }
        assertThatThrownBy(() -> service.result(ENV, submitted.id()))
                .isInstanceOfSatisfying(
                        SlateException.class, e -> assertThat(e.condition()).isEqualTo(SlateException.Condition.GONE));
    }

    // ---- restarts ---------------------------------------------------------------------------------

    @Test
    void aRecomputeJobLeftQueuedByARestartRecomputesAfterIt() throws Exception {
        OfflineQueryService first = service("jobs", 1);
        List<Long> slowIds = new ArrayList<>();
        List<String> slowTimes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            slowIds.add(1L);
            slowTimes.add(T0.toString());
        }
        OfflineJob blocker = first.submit(ENV, request(slowIds, slowTimes, List.of("user.slow"), true));
        OfflineJob waiting = first.submit(
                ENV,
                request(
                        List.of(1L, 2L),
                        List.of(T0.toString(), T0.toString()),
                        List.of("user.email", "user.email_domain"),
                        List.of("user.email_domain")));
        first.close(); // the "restart": both jobs are unfinished in their records
        services.remove(first);
        assertThat(new OfflineJobRepository(dataSource)
                        .find(waiting.id())
                        .orElseThrow()
                        .status())
                .isEqualTo(JobStatus.QUEUED);

        OfflineQueryService second = service("jobs", 2);
        OfflineQueryService.Recovery recovery = second.recover();
        assertThat(recovery.requeued()).contains(blocker.id(), waiting.id());
        second.cancel(ENV, blocker.id());
        OfflineJob done = await(second, waiting.id());
        assertThat(done.status()).as(done.error().orElse("")).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.plan().recomputedOutputs())
                .extracting(OfflineQueryPlan.Output::name)
                .containsExactly("user.email_domain");
        JsonNode rows = json(second, done.id()).get("rows");
        assertThat(rows.get(0).get("user.email").isNull())
                .as("read from the (empty) log")
                .isTrue();
        assertThat(rows.get(0).get("user.email_domain").asText()).isEqualTo("example.com");
        assertThat(rows.get(1).get("user.email_domain").asText()).isEqualTo("test.org");
    }

    @Test
    void aRecomputeJobWhoseDeploymentIsNoLongerActiveFailsWithTheReason() throws Exception {
        OfflineQueryService first = service("jobs", 1);
        List<Long> slowIds = new ArrayList<>();
        List<String> slowTimes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            slowIds.add(1L);
            slowTimes.add(T0.toString());
        }
        OfflineJob blocker = first.submit(ENV, request(slowIds, slowTimes, List.of("user.slow"), true));
        OfflineJob waiting =
                first.submit(ENV, request(List.of(1L), List.of(T0.toString()), List.of("user.email_domain"), true));
        first.close();
        services.remove(first);
        deploy("d-2", "\n      extra: {type: int, ingested: true}");

        OfflineQueryService second = service("jobs", 1);
        second.recover();
        assertThat(await(second, blocker.id()).status()).isEqualTo(JobStatus.FAILED);
        OfflineJob done = await(second, waiting.id());
        assertThat(done.status()).isEqualTo(JobStatus.FAILED);
        assertThat(done.error())
                .hasValueSatisfying(e -> assertThat(e)
                        .contains("d-1")
                        .contains("no longer active")
                        .contains("submit the query again"));
    }

    // ---- bad input --------------------------------------------------------------------------------

    @Test
    void badRecomputeValuesAre400sListingTheProblem() {
        OfflineQueryService service = service("jobs", 1);
        List<String> outputs = List.of("user.email_domain", "user.credit_limit");
        assertBadRequest(
                service,
                () -> request(List.of(1L), List.of(T0.toString()), outputs, "yes"),
                "must be true, false or a list");
        assertBadRequest(
                service,
                () -> request(List.of(1L), List.of(T0.toString()), outputs, 1),
                "must be true, false or a list");
        assertBadRequest(
                service,
                () -> request(List.of(1L), List.of(T0.toString()), outputs, Map.of("user.email_domain", true)),
                "must be true, false or a list");
        assertBadRequest(
                service,
                () -> request(List.of(1L), List.of(T0.toString()), outputs, List.of("user.email_domian")),
                "unknown feature 'user.email_domian'",
                "did you mean");
        assertBadRequest(
                service,
                () -> request(List.of(1L), List.of(T0.toString()), outputs, List.of("user.age")),
                "not among the outputs");
        assertBadRequest(
                service,
                () -> request(List.of(1L), List.of(T0.toString()), outputs, List.of("user.credit_limit")),
                "ingested feature");
        assertBadRequest(
                service,
                () -> request(List.of(1L), List.of(T0.toString()), outputs, List.of(1)),
                "feature names (strings)");
        // nothing was queued
        assertThat(service.liveJobs()).isZero();
    }

    @Test
    void aRecomputeOverTheRowLimitIsRefusedBeforeItRuns() {
        OfflineQueryConfig config =
                OfflineQueryConfig.of(tmp.resolve("jobs"), 100_000, 1, 10).withRecompute(2, 3);
        OfflineQueryService service = new OfflineQueryService(
                state, log, new OfflineJobRepository(dataSource), config, Clock.systemUTC(), resolvers);
        services.add(service);
        List<Long> ids = List.of(1L, 2L, 3L, 1L);
        List<String> times = List.of(T0.toString(), T0.toString(), T0.toString(), T0.toString());
        assertBadRequest(service, () -> request(ids, times, List.of("user.email_domain"), true), "at most 3");
        // the same spine reading the log is fine
        assertThat(service.submit(ENV, request(ids, times, List.of("user.email_domain"), false))
                        .status())
                .isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void aServiceWithoutResolversRefusesToRecompute() {
        OfflineQueryService service = new OfflineQueryService(
                state,
                log,
                new OfflineJobRepository(dataSource),
                OfflineQueryConfig.of(tmp.resolve("jobs"), 100, 1, 10),
                Clock.systemUTC());
        services.add(service);
        assertBadRequest(
                service,
                () -> request(List.of(1L), List.of(T0.toString()), List.of("user.email_domain"), true),
                "cannot recompute");
    }

    @Test
    void theRecomputeParameterOfAParquetUploadReadsLikeTheJsonField() {
        assertThat(Recompute.fromParameter(null))
                .isEqualTo(Recompute.fromJson(null))
                .isEqualTo(Recompute.NONE);
        assertThat(Recompute.fromParameter(List.of("true")))
                .isEqualTo(Recompute.fromJson(true))
                .isEqualTo(Recompute.EVERY);
        assertThat(Recompute.fromParameter(List.of("FALSE")))
                .isEqualTo(Recompute.fromJson(false))
                .isEqualTo(Recompute.NONE);
        assertThat(Recompute.fromParameter(List.of("user.a,user.b", "user.c")))
                .isEqualTo(Recompute.fromJson(List.of("user.a", "user.b", "user.c")))
                .isEqualTo(new Recompute.Listed(List.of("user.a", "user.b", "user.c")));
    }

    private static void assertBadRequest(
            OfflineQueryService service, Supplier<OfflineQueryRequest> request, String... messages) {
        assertThatThrownBy(() -> service.submit(ENV, request.get())).isInstanceOfSatisfying(SlateException.class, e -> {
            assertThat(e.code()).isIn(ErrorCode.INVALID_QUERY, ErrorCode.RESOLVER_NOT_FOUND);
            String all = e.getMessage() + " " + e.errors();
            for (String m : messages) {
                assertThat(all).contains(m);
            }
        });
    }
}
