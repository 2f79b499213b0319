package dev.slate.serving.model.cel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.RowCondition;
import dev.slate.serving.model.graph.RowCondition.Comparison;
import dev.slate.serving.model.graph.RowCondition.Operator;
import dev.slate.storage.spi.FeatureType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which {@code where} expressions a database may evaluate in Slate's place ({@link RowConditions}). */
class RowConditionsTest {
    private final CelEnvironment env = new CelEnvironment("transaction", features(), Set.of("user"));

    private static Map<String, Optional<FeatureType>> features() {
        Map<String, Optional<FeatureType>> f = new LinkedHashMap<>();
        f.put("amount", Optional.of(FeatureType.Scalar.FLOAT));
        f.put("qty", Optional.of(FeatureType.Scalar.INT));
        f.put("merchant", Optional.of(FeatureType.Scalar.STRING));
        f.put("flag", Optional.of(FeatureType.Scalar.BOOL));
        f.put("ts", Optional.of(FeatureType.Scalar.DATETIME));
        f.put("tags", Optional.of(new FeatureType.ListOf(FeatureType.Scalar.STRING)));
        f.put("loose", Optional.empty());
        return f;
    }

    private Optional<RowCondition> condition(String text) {
        CelEnvironment.Result r =
                env.compile(new FeatureId("transaction", "w"), text, Optional.of(FeatureType.Scalar.BOOL));
        assertThat(r.issues()).as(text).isEmpty();
        return r.expression().orElseThrow().condition();
    }

    private static Comparison c(String feature, FeatureType.Scalar type, Operator op, Object literal) {
        return new Comparison(new FeatureId("transaction", feature), type, op, literal);
    }

    @Test
    void conjunctionsOfFeatureToLiteralComparisonsAreConditions() {
        assertThat(condition("amount > 0.0"))
                .contains(new RowCondition(List.of(c("amount", FeatureType.Scalar.FLOAT, Operator.GREATER, 0.0))));
        assertThat(condition("0.0 < amount && qty != 3 && merchant == 'm1' && flag == true"))
                .contains(new RowCondition(List.of(
                        c("amount", FeatureType.Scalar.FLOAT, Operator.GREATER, 0.0),
                        c("qty", FeatureType.Scalar.INT, Operator.NOT_EQUAL, 3L),
                        c("merchant", FeatureType.Scalar.STRING, Operator.EQUAL, "m1"),
                        c("flag", FeatureType.Scalar.BOOL, Operator.EQUAL, true))));
        assertThat(condition("qty <= -2"))
                .contains(new RowCondition(List.of(c("qty", FeatureType.Scalar.INT, Operator.LESS_OR_EQUAL, -2L))));
        assertThat(condition("10 >= qty"))
                .contains(new RowCondition(List.of(c("qty", FeatureType.Scalar.INT, Operator.LESS_OR_EQUAL, 10L))));
    }

    @Test
    void everythingElseIsEvaluatedBySlate() {
        for (String text : List.of(
                "amount > 1.0 || qty > 1", // a database and CEL differ on null || true
                "!(amount > 1.0)",
                "merchant < 'n'", // collation
                "merchant.startsWith('m')",
                "ts > now - duration('1h')",
                "flag", // a bare boolean feature: not a comparison
                "amount > qty", // two features
                "amount == 1.0 + 1.0",
                "'m1' in tags",
                "qty + 1 > 2")) {
            assertThat(condition(text)).as(text).isEmpty();
        }
    }
}
