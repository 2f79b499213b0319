package dev.slate.serving.model.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.ExpressionEvaluationException;
import dev.slate.storage.spi.FeatureType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CelExpressionTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final FeatureType.ListOf STRINGS = new FeatureType.ListOf(FeatureType.Scalar.STRING);

    private final CelEnvironment env = new CelEnvironment("user", features());
    private final Map<FeatureId, Object> values = new HashMap<>();

    private static Map<String, Optional<FeatureType>> features() {
        Map<String, Optional<FeatureType>> f = new LinkedHashMap<>();
        f.put("id", Optional.of(FeatureType.Scalar.INT));
        f.put("email", Optional.of(FeatureType.Scalar.STRING));
        f.put("age", Optional.of(FeatureType.Scalar.INT));
        f.put("score", Optional.of(FeatureType.Scalar.FLOAT));
        f.put("verified", Optional.of(FeatureType.Scalar.BOOL));
        f.put("created_at", Optional.of(FeatureType.Scalar.DATETIME));
        f.put("signup_date", Optional.of(FeatureType.Scalar.DATE));
        f.put("tags", Optional.of(STRINGS));
        f.put("amounts", Optional.of(new FeatureType.ListOf(FeatureType.Scalar.FLOAT)));
        f.put("days", Optional.of(new FeatureType.ListOf(FeatureType.Scalar.DATE)));
        return f;
    }

    private CelExpression compile(String text, FeatureType type) {
        CelEnvironment.Result r = env.compile(new FeatureId("user", "x"), text, Optional.of(type));
        assertThat(r.issues()).as("issues of " + text).isEmpty();
        return r.expression().orElseThrow();
    }

    private Object eval(String text, FeatureType type) throws ExpressionEvaluationException {
        return compile(text, type).evaluate(values::get, NOW);
    }

    private void set(String name, Object value) {
        values.put(new FeatureId("user", name), value);
    }

    @Test
    void stringsWithTheStringsExtension() throws Exception {
        set("email", "ada@example.com");
        assertThat(eval("email.split('@')[1]", FeatureType.Scalar.STRING)).isEqualTo("example.com");
        assertThat(eval("email.upperAscii()", FeatureType.Scalar.STRING)).isEqualTo("ADA@EXAMPLE.COM");
        assertThat(eval("email.size()", FeatureType.Scalar.INT)).isEqualTo(15L);
    }

    @Test
    void intsFloatsAndBools() throws Exception {
        set("age", 20L);
        set("score", 0.5);
        set("verified", false);
        assertThat(eval("age >= 18", FeatureType.Scalar.BOOL)).isEqualTo(true);
        assertThat(eval("age * 2 + 1", FeatureType.Scalar.INT)).isEqualTo(41L);
        assertThat(eval("score * 2.0", FeatureType.Scalar.FLOAT)).isEqualTo(1.0);
        assertThat(eval("!verified && score > 0.1", FeatureType.Scalar.BOOL)).isEqualTo(true);
        assertThat(eval("math.greatest(score, 0.75)", FeatureType.Scalar.FLOAT)).isEqualTo(0.75);
    }

    @Test
    void intResultFillsAFloatFeature() throws Exception {
        set("age", 20L);
        Object v = eval("age + 1", FeatureType.Scalar.FLOAT);
        assertThat(v).isInstanceOf(Double.class).isEqualTo(21.0);
    }

    @Test
    void mixedNumericComparisons() throws Exception {
        set("score", 1500.5);
        assertThat(eval("score > 1000", FeatureType.Scalar.BOOL)).isEqualTo(true);
    }

    @Test
    void datetimeAndNow() throws Exception {
        set("created_at", Instant.parse("2025-12-30T12:00:00Z"));
        assertThat(eval("(now - created_at).getHours() / 24", FeatureType.Scalar.INT))
                .isEqualTo(2L);
        assertThat(eval("now", FeatureType.Scalar.DATETIME)).isEqualTo(NOW);
        assertThat(eval("created_at + duration('1h')", FeatureType.Scalar.DATETIME))
                .isEqualTo(Instant.parse("2025-12-30T13:00:00Z"));
    }

    @Test
    void nowIsTheGivenQueryTime() throws Exception {
        CelExpression e = compile("now.getFullYear()", FeatureType.Scalar.INT);
        assertThat(e.dependencies()).isEmpty();
        assertThat(e.evaluate(values::get, Instant.parse("1999-06-01T00:00:00Z")))
                .isEqualTo(1999L);
        assertThat(e.evaluate(values::get, NOW)).isEqualTo(2026L);
    }

    @Test
    void datesAreTimestampsAtMidnightUtc() throws Exception {
        set("signup_date", LocalDate.of(2025, 12, 25));
        assertThat(eval("(now - signup_date).getHours()", FeatureType.Scalar.INT))
                .isEqualTo(7L * 24 + 12);
        assertThat(eval("signup_date == timestamp('2025-12-25T00:00:00Z')", FeatureType.Scalar.BOOL))
                .isEqualTo(true);
        assertThat(eval("signup_date + duration('48h')", FeatureType.Scalar.DATE))
                .isEqualTo(LocalDate.of(2025, 12, 27));
        assertThat(eval("now", FeatureType.Scalar.DATE)).isEqualTo(LocalDate.of(2026, 1, 1));
    }

    @Test
    void lists() throws Exception {
        set("tags", List.of("a", "bb"));
        set("amounts", List.of(1.5, 2.5));
        set("days", List.of(LocalDate.of(2025, 1, 1)));
        assertThat(eval("tags.size()", FeatureType.Scalar.INT)).isEqualTo(2L);
        assertThat(eval("tags.map(t, t + '!')", STRINGS)).isEqualTo(List.of("a!", "bb!"));
        assertThat(eval("'bb' in tags", FeatureType.Scalar.BOOL)).isEqualTo(true);
        assertThat(eval("amounts.exists(a, a > 2.0)", FeatureType.Scalar.BOOL)).isEqualTo(true);
        assertThat(eval("days.map(d, d + duration('24h'))", new FeatureType.ListOf(FeatureType.Scalar.DATE)))
                .isEqualTo(List.of(LocalDate.of(2025, 1, 2)));
    }

    @Test
    void dependenciesAreOnlyTheFeaturesReferenced() {
        assertThat(compile("email.split('@')[1]", FeatureType.Scalar.STRING).dependencies())
                .containsExactly(new FeatureId("user", "email"));
        assertThat(compile("age > 3 ? email : 'x'", FeatureType.Scalar.STRING).dependencies())
                .containsExactly(new FeatureId("user", "email"), new FeatureId("user", "age"));
        // a macro's loop variable is not a feature, even when a feature has the same name
        CelEnvironment shadow = new CelEnvironment(
                "user", Map.of("tags", Optional.of(STRINGS), "t", Optional.of(FeatureType.Scalar.STRING)));
        CelExpression e = shadow.compile(new FeatureId("user", "x"), "tags.map(t, t + '!')", Optional.of(STRINGS))
                .expression()
                .orElseThrow();
        assertThat(e.dependencies()).containsExactly(new FeatureId("user", "tags"));
    }

    @Test
    void nullInputIsAnErrorNamingIt() {
        CelExpression e = compile("email.split('@')[1]", FeatureType.Scalar.STRING);
        assertThatThrownBy(() -> e.evaluate(values::get, NOW))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessage("input user.email is null");
    }

    @Test
    void nullInputThatIsNotNeededIsFine() throws Exception {
        set("age", 10L);
        assertThat(eval("age > 18 ? email : 'minor'", FeatureType.Scalar.STRING))
                .isEqualTo("minor");
        assertThat(eval("age < 18 || email == 'x'", FeatureType.Scalar.BOOL)).isEqualTo(true);
        set("age", 30L);
        assertThatThrownBy(() -> eval("age > 18 ? email : 'minor'", FeatureType.Scalar.STRING))
                .hasMessage("input user.email is null");
    }

    @Test
    void severalNullInputs() {
        assertThatThrownBy(() -> eval("age + size(email)", FeatureType.Scalar.INT))
                .hasMessage("inputs user.age, user.email are null");
    }

    @Test
    void runtimeErrorsCarryCelsMessage() {
        set("email", "no-at-sign");
        assertThatThrownBy(() -> eval("email.split('@')[1]", FeatureType.Scalar.STRING))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("out of bounds");
        set("age", 0L);
        assertThatThrownBy(() -> eval("10 / age", FeatureType.Scalar.INT)).hasMessageContaining("by zero");
    }

    @Test
    void inputsInLooseRepresentationsAreCoerced() throws Exception {
        set("age", 20); // an Integer, not the canonical Long
        assertThat(eval("age + 1", FeatureType.Scalar.INT)).isEqualTo(21L);
    }

    @Test
    void theSameCompiledExpressionEvaluatesManyInputs() throws Exception {
        CelExpression e = compile("email.split('@')[1]", FeatureType.Scalar.STRING);
        for (int i = 0; i < 1000; i++) {
            String email = "u" + i + "@d" + (i % 7) + ".test";
            assertThat(e.evaluate(id -> email, NOW)).isEqualTo("d" + (i % 7) + ".test");
        }
    }

    @Test
    void documentedFunctionsAreAvailable() throws Exception {
        set("email", " Ada@Example.com ");
        set("score", -2.5);
        set("tags", List.of("a", "b"));
        assertThat(eval("email.trim().lowerAscii().replace('example', 'x')", FeatureType.Scalar.STRING))
                .isEqualTo("ada@x.com");
        assertThat(eval("email.indexOf('@')", FeatureType.Scalar.INT)).isEqualTo(4L);
        assertThat(eval("email.trim().substring(0, 3)", FeatureType.Scalar.STRING))
                .isEqualTo("Ada");
        assertThat(eval("tags.join('-')", FeatureType.Scalar.STRING)).isEqualTo("a-b");
        assertThat(eval("math.abs(score)", FeatureType.Scalar.FLOAT)).isEqualTo(2.5);
        assertThat(eval("math.least(score, 1.0)", FeatureType.Scalar.FLOAT)).isEqualTo(-2.5);
        assertThat(eval("math.round(score)", FeatureType.Scalar.FLOAT)).isEqualTo(-3.0);
        assertThat(eval("tags.all(t, size(t) == 1)", FeatureType.Scalar.BOOL)).isEqualTo(true);
    }

    @Test
    void compileIssues() {
        assertThat(env.compile(new FeatureId("user", "x"), "emial", Optional.of(FeatureType.Scalar.STRING))
                        .issues())
                .singleElement()
                .satisfies(i -> {
                    assertThat(i.kind()).isEqualTo(CelEnvironment.Issue.Kind.UNKNOWN_FEATURE);
                    assertThat(i.message()).contains("did you mean 'email'?");
                });
        assertThat(env.compile(new FeatureId("user", "x"), "frobnicate(email)", Optional.of(FeatureType.Scalar.STRING))
                        .issues())
                .singleElement()
                .satisfies(i -> assertThat(i.kind()).isEqualTo(CelEnvironment.Issue.Kind.BAD_EXPRESSION));
        assertThat(env.compile(new FeatureId("user", "x"), "age", Optional.of(FeatureType.Scalar.STRING))
                        .issues())
                .singleElement()
                .satisfies(i -> assertThat(i.message()).contains("returns int").contains("declared string"));
        assertThat(env.compile(new FeatureId("user", "x"), "score", Optional.of(FeatureType.Scalar.INT))
                        .issues())
                .hasSize(1);
        assertThat(env.compile(
                                new FeatureId("user", "x"),
                                "tags",
                                Optional.of(new FeatureType.ListOf(FeatureType.Scalar.INT)))
                        .issues())
                .hasSize(1);
    }
}
