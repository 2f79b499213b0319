package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchProjectTest {

    @Test
    void scenarioCAsksForOneHundredFeaturesFromOneSqlResolverAndTwentyFourExpressions() {
        assertThat(BenchProject.liveOutputs()).hasSize(100).doesNotHaveDuplicates();
        assertThat(BenchProject.EXPRESSIONS).hasSize(24);
        assertThat(BenchSchema.liveSelect()).contains("f76").contains("WHERE id = :id");
    }

    @Test
    void scenariosAAndBAskForFiftyCachedFeatures() {
        assertThat(BenchProject.cachedOutputs()).hasSize(50).allMatch(o -> o.startsWith("item.f"));
        assertThat(BenchProject.files().get("item.yaml"))
                .contains("max_staleness: 1h")
                .contains("resolves: item\n");
        assertThat(BenchProject.files().get("item_live.yaml")).contains("max_staleness: 0s");
    }

    @Test
    void sourceCredentialsAreSecretReferences() {
        String slate = BenchProject.files().get("slate.yaml");
        assertThat(slate)
                .contains("url: \"${secret:bench_db_url}\"")
                .contains("username: \"${secret:bench_db_user}\"")
                .doesNotContain("127.0.0.1");
    }

    @Test
    void everyExpressionUsesOnlyDeclaredFeaturesOfMatchingType() {
        Map<String, String> types = new HashMap<>();
        for (int i = 1; i <= BenchSchema.COLUMNS; i++) {
            types.put(BenchSchema.column(i), BenchSchema.kind(i).featureType);
        }
        Set<String> declared = new HashSet<>(types.keySet());
        Pattern name = Pattern.compile("\\b([fx][0-9]+)\\b");
        for (BenchProject.ExpressionFeature e : BenchProject.EXPRESSIONS) {
            Matcher m = name.matcher(e.cel());
            while (m.find()) {
                assertThat(declared).as("%s uses %s", e.name(), m.group(1)).contains(m.group(1));
            }
            declared.add(e.name());
            types.put(e.name(), e.type());
        }
        // spot-check the typing scheme the expressions rely on
        assertThat(types)
                .containsEntry("f1", "int")
                .containsEntry("f2", "float")
                .containsEntry("f3", "string");
    }

    @Test
    void columnValuesOfTheTableAndOfTheSyntheticBaselineAgree() {
        // the SQL formula for id 12345, column 1, evaluated by hand: (12345 * 7919 + 1 * 104729) % 1000000
        assertThat(RedisBaselineSetup.valueText(12345, 1))
                .isEqualTo(Long.toString((12345L * 7919 + 104729) % 1_000_000));
        assertThat(RedisBaselineSetup.valueText(12345, 2)).isEqualTo(Double.toString((12345 % 9973) * 0.25 + 2));
        assertThat(RedisBaselineSetup.valueText(12345, 3)).isEqualTo("v345_3");
        assertThat(BenchSchema.createStatements(10)).anyMatch(s -> s.contains("generate_series(1, 10)"));
    }
}
