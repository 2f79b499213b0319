package dev.slate.serving.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.slate.serving.api.query.OnlineQueryResponseBody.FieldBody;
import dev.slate.serving.api.query.OnlineQueryResponseBody.FieldErrorBody;
import dev.slate.serving.api.query.OnlineQueryResponseBody.FieldMetaBody;
import dev.slate.serving.api.query.OnlineQueryResponseBody.MetaBody;
import dev.slate.serving.engine.exec.FeatureError;
import dev.slate.serving.engine.exec.RowResult;
import dev.slate.serving.engine.plan.Plan;
import dev.slate.serving.engine.plan.PlannedOutput;
import dev.slate.serving.engine.plan.Planner;
import dev.slate.serving.engine.plan.QueryShape;
import dev.slate.serving.engine.query.FeatureValue;
import dev.slate.serving.engine.query.QueryAnswer;
import dev.slate.serving.model.ExampleProjects;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.storage.spi.FeatureType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The streamed answer must be exactly what serialising {@link OnlineQueryResponseBody} with the
 * application's mapper gives (the documented wire form), byte for byte.
 */
class OnlineQueryResponseSerializerTest {

    /** Configured like the Quarkus mapper: java.time as ISO strings. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00.123456Z");
    private static FeatureGraph graph;
    private static Plan plan;

    @BeforeAll
    static void plan() throws Exception {
        graph = ProjectCompiler.compile(ExampleProjects.fraud());
        List<FeatureId> outputs = List.of(
                        "user.email",
                        "user.age",
                        "user.credit_limit",
                        "user.is_verified",
                        "user.signup_date",
                        "user.created_at",
                        "user.risk_score",
                        "user.email_domain",
                        "user.id")
                .stream()
                .map(n -> FeatureId.parse(n).orElseThrow())
                .toList();
        plan = new Planner(graph)
                .plan(QueryShape.of(Set.of(FeatureId.parse("user.id").orElseThrow()), outputs, Map.of()));
    }

    private static Object[] values(long id, String email, Object age, Object limit, Object verified) {
        Object[] row = new Object[plan.features().size()];
        set(row, "user.id", id);
        set(row, "user.email", email);
        set(row, "user.age", age);
        set(row, "user.credit_limit", limit);
        set(row, "user.is_verified", verified);
        set(row, "user.signup_date", LocalDate.of(2025, 2, 28));
        set(row, "user.created_at", Instant.parse("2024-01-02T03:04:05Z"));
        set(row, "user.risk_score", 0.30000000000000004);
        set(row, "user.email_domain", email == null ? null : email.substring(email.indexOf('@') + 1));
        return row;
    }

    private static int slot(String name) {
        return plan.outputs().stream()
                .filter(o -> o.name().equals(name))
                .findFirst()
                .orElseThrow()
                .slot();
    }

    private static void set(Object[] row, String name, Object value) {
        row[slot(name)] = value;
    }

    private static RowResult row(Object[] values, boolean cacheHits, Instant observed) {
        int n = values.length;
        Instant[] at = new Instant[n];
        boolean[] hits = new boolean[n];
        for (PlannedOutput o : plan.outputs()) {
            at[o.slot()] = observed;
            hits[o.slot()] = cacheHits && !o.name().equals("user.id");
        }
        return new RowResult(values, new FeatureError[n], hits, at);
    }

    private static QueryAnswer answer(List<RowResult> rows, String explain) {
        int failed = 0;
        for (RowResult r : rows) {
            for (FeatureError e : r.errors()) {
                failed += e == null ? 0 : 1;
            }
        }
        ActiveDeployment d = new ActiveDeployment("prod", "0b5c-deploy", 3, graph, NOW);
        return new QueryAnswer(
                "q_0123456789abcdef01234567",
                "prod",
                d,
                plan.hash(),
                plan.outputs(),
                rows,
                failed,
                Duration.ofNanos(412_345),
                explain);
    }

    private static List<RowResult> mixedRows() {
        RowResult cached = row(values(1, "ann@example.com", 34L, 5000.5, true), true, NOW.minusSeconds(30));
        RowResult computed = row(values(2, "b\"o\\b\u00e9@x.org", 17L, Double.NaN, false), false, NOW);
        computed.observedAt()[slot("user.created_at")] = NOW.minusMillis(1); // a second timestamp within the row
        RowResult failing = row(values(3, null, null, null, null), false, NOW);
        failing.errors()[slot("user.email")] = new FeatureError(
                ErrorCode.RESOLVER_TIMED_OUT, "user_profile", "resolver user_profile did not answer within 1000 ms");
        failing.errors()[slot("user.email_domain")] =
                new FeatureError(ErrorCode.UPSTREAM_FAILED, "user_profile", "input user.email failed: timed out");
        failing.errors()[slot("user.risk_score")] =
                new FeatureError(ErrorCode.RESOLVER_FAILED, null, "expression failed: no such key");
        failing.observedAt()[slot("user.age")] = null; // a value no step reached
        return List.of(cached, computed, failing);
    }

    @Test
    void bulkAnswersMatchTheDocumentedBodyExactly() throws Exception {
        for (boolean meta : new boolean[] {false, true}) {
            QueryAnswer a = answer(mixedRows(), null);
            String streamed = MAPPER.writeValueAsString(new OnlineQueryResponse(a, true, meta, "checkout"));
            assertThat(streamed).isEqualTo(MAPPER.writeValueAsString(reference(a, true, meta, "checkout")));
            JsonNode tree = MAPPER.readTree(streamed);
            assertThat(tree.get("data")).hasSize(3);
            assertThat(tree.get("errors")).hasSize(3);
            assertThat(tree.get("errors").get(0).get("row").asInt()).isEqualTo(2);
        }
    }

    @Test
    void singleAnswersMatchTheDocumentedBodyExactly() throws Exception {
        for (RowResult r : mixedRows()) {
            for (boolean meta : new boolean[] {false, true}) {
                QueryAnswer a = answer(List.of(r), "plan abc\n1. steps: none\n");
                String streamed = MAPPER.writeValueAsString(new OnlineQueryResponse(a, false, meta, null));
                assertThat(streamed).isEqualTo(MAPPER.writeValueAsString(reference(a, false, meta, null)));
            }
        }
    }

    @Test
    void valuesKeepTheirJsonTypes() throws Exception {
        QueryAnswer a = answer(List.of(mixedRows().get(0)), null);
        JsonNode data = MAPPER.readTree(MAPPER.writeValueAsString(new OnlineQueryResponse(a, false, true, null)))
                .get("data");
        assertThat(data.get(0).get("field").asText()).isEqualTo("user.email");
        assertThat(data.get(1).get("value").isIntegralNumber()).isTrue();
        assertThat(data.get(2).get("value").asDouble()).isEqualTo(5000.5);
        assertThat(data.get(3).get("value").isBoolean()).isTrue();
        assertThat(data.get(4).get("value").asText()).isEqualTo("2025-02-28");
        assertThat(data.get(5).get("value").asText()).isEqualTo("2024-01-02T03:04:05Z");
        assertThat(data.get(0).get("ts").asText()).isEqualTo("2026-06-01T11:59:30.123456Z");
        assertThat(data.get(0).get("meta").get("resolver").asText()).isEqualTo("user_profile");
        assertThat(data.get(0).get("meta").get("cache_hit").asBoolean()).isTrue();
        assertThat(data.get(8).get("meta").get("resolver").asText()).isEqualTo("input");
    }

    @Test
    void arrowStreamHoldsTheJsonFormsValuesAndErrors() throws Exception {
        QueryAnswer a = answer(mixedRows(), null);
        OnlineQueryResponse response = new OnlineQueryResponse(a, true, false, "checkout");
        JsonNode json = MAPPER.readTree(MAPPER.writeValueAsString(response));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OnlineQueryArrow.write(response, MAPPER, bytes);
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader =
                        new ArrowStreamReader(new ByteArrayInputStream(bytes.toByteArray()), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            Schema schema = root.getSchema();
            List<String> expectedColumns = new ArrayList<>();
            a.outputs().forEach(o -> expectedColumns.add(o.name()));
            expectedColumns.add(OnlineQueryArrow.ERRORS);
            assertThat(schema.getFields().stream().map(Field::getName).toList()).isEqualTo(expectedColumns);
            assertThat(schema.getCustomMetadata())
                    .containsEntry("query_id", a.queryId())
                    .containsEntry("deployment_version", "3")
                    .containsEntry("query_name", "checkout");
            assertThat(reader.loadNextBatch()).isTrue();
            assertThat(root.getRowCount()).isEqualTo(3);
            for (int r = 0; r < 3; r++) {
                for (int o = 0; o < a.outputs().size(); o++) {
                    JsonNode expected = json.get("data").get(r).get(o).get("value");
                    Object actual = root.getVector(o).getObject(r);
                    String column = a.outputs().get(o).name();
                    switch (actual) {
                        case null -> assertThat(expected.isNull()).as(column).isTrue();
                        case Long l
                        when column.equals("user.created_at") ->
                            assertThat(Instant.EPOCH.plus(l, ChronoUnit.MICROS).toString())
                                    .isEqualTo(expected.asText());
                        case Long l -> assertThat(l).as(column).isEqualTo(expected.asLong());
                        case Double d
                        when d.isNaN() -> assertThat(expected.asText()).isEqualTo("NaN");
                        case Double d -> assertThat(d).as(column).isEqualTo(expected.asDouble());
                        case Boolean b -> assertThat(b).as(column).isEqualTo(expected.asBoolean());
                        case Integer days ->
                            assertThat(LocalDate.ofEpochDay(days).toString()).isEqualTo(expected.asText());
                        default -> assertThat(actual.toString()).as(column).isEqualTo(expected.asText());
                    }
                }
            }
            FieldVector errors = root.getVector(OnlineQueryArrow.ERRORS);
            assertThat(errors.isNull(0)).isTrue();
            assertThat(errors.isNull(1)).isTrue();
            List<?> failed = (List<?>) errors.getObject(2);
            assertThat(failed).hasSize(3);
            for (int i = 0; i < failed.size(); i++) { // the JSON form's errors, in the same order
                Map<?, ?> e = (Map<?, ?>) failed.get(i);
                JsonNode expected = json.get("errors").get(i);
                for (String f : List.of("feature", "code", "resolver", "message")) {
                    assertThat(e.get(f) == null ? null : e.get(f).toString())
                            .as(f)
                            .isEqualTo(expected.has(f) ? expected.get(f).asText() : null);
                }
                assertThat(e.get("row")).isEqualTo(2);
            }
            assertThat(failed.stream().map(e -> ((Map<?, ?>) e).get("code").toString()))
                    .contains("RESOLVER_TIMED_OUT", "UPSTREAM_FAILED", "RESOLVER_FAILED");
            assertThat(reader.loadNextBatch()).isFalse();
        }
    }

    @Test
    void arrowColumnsFollowTheDeclaredTypes() {
        assertThat(OnlineQueryArrow.field("f", FeatureType.Scalar.DATETIME).getType())
                .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
        Field nested =
                OnlineQueryArrow.field("f", new FeatureType.ListOf(new FeatureType.ListOf(FeatureType.Scalar.INT)));
        assertThat(nested.getType()).isEqualTo(new ArrowType.List());
        assertThat(nested.getChildren().get(0).getChildren().get(0).getType()).isEqualTo(new ArrowType.Int(64, true));
    }

    /** The answer as the resource built it before streaming: records serialised by the mapper. */
    private static OnlineQueryResponseBody reference(
            QueryAnswer a, boolean bulk, boolean includeMeta, String queryName) {
        List<FieldErrorBody> errors = new ArrayList<>();
        Object data;
        if (bulk) {
            List<List<FieldBody>> rows = new ArrayList<>();
            for (int i = 0; i < a.rows().size(); i++) {
                rows.add(referenceRow(a.rows().get(i), includeMeta, errors, i));
            }
            data = rows;
        } else {
            data = referenceRow(a.rows().get(0), includeMeta, errors, null);
        }
        List<OnlineQueryResponseBody.TruncationBody> truncated = a.truncations().stream()
                .map(t -> new OnlineQueryResponseBody.TruncationBody(
                        a.outputs().get(t.output()).name(), bulk ? t.row() : null, t.limit()))
                .toList();
        MetaBody meta = new MetaBody(
                a.queryId(),
                a.took().toNanos() / 1e9,
                a.deployment().deploymentId(),
                a.deployment().version(),
                a.environment(),
                a.planHash(),
                queryName,
                a.explain(),
                truncated.isEmpty() ? null : truncated);
        return new OnlineQueryResponseBody((List<?>) data, errors, meta);
    }

    private static List<FieldBody> referenceRow(
            List<FeatureValue> values, boolean includeMeta, List<FieldErrorBody> errors, Integer rowIndex) {
        List<FieldBody> out = new ArrayList<>();
        for (FeatureValue v : values) {
            FieldErrorBody error = null;
            if (v.error() != null) {
                FeatureError e = v.error();
                error = new FieldErrorBody(
                        e.code().name(), "FIELD", v.feature().qualified(), e.resolver(), e.message(), rowIndex);
                errors.add(error);
            }
            out.add(new FieldBody(
                    v.feature().qualified(),
                    v.value(),
                    v.pkey(),
                    v.observedAt() == null ? null : v.observedAt().toString(),
                    includeMeta ? new FieldMetaBody(v.resolver(), v.cacheHit()) : null,
                    error));
        }
        return out;
    }
}
