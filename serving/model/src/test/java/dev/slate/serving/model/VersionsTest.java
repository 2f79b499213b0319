package dev.slate.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.graph.FeatureGraph;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionsTest {

    private static String version(FeatureGraph g, String feature) {
        return g.feature(FeatureId.parse(feature).orElseThrow()).orElseThrow().version();
    }

    private static FeatureGraph fraud(String from, String to) throws Exception {
        Map<String, String> files = ExampleProjects.fraud();
        String yaml = files.get("slate.yaml");
        if (from != null) {
            if (!yaml.contains(from)) {
                throw new AssertionError("example does not contain " + from);
            }
            files.put("slate.yaml", yaml.replace(from, to));
        }
        return ProjectCompiler.compile(files);
    }

    @Test
    void changingResolverSqlChangesItsOutputsAndEverythingDownstream() throws Exception {
        FeatureGraph before = fraud(null, null);
        FeatureGraph after = fraud("FROM users\n", "FROM users_v2\n");
        for (String changed : new String[] {
            "user.email",
            "user.country",
            "user.email_domain",
            "user.credit_limit",
            "user.risk_score",
            "user.account_age_days"
        }) {
            assertThat(version(after, changed)).as(changed).isNotEqualTo(version(before, changed));
        }
        for (String same : new String[] {"user.id", "transaction.amount", "transaction.is_large"}) {
            assertThat(version(after, same)).as(same).isEqualTo(version(before, same));
        }
    }

    @Test
    void changingOneExpressionChangesOnlyItAndWhatReadsIt() throws Exception {
        FeatureGraph before = fraud(null, null);
        FeatureGraph after = fraud("(now - created_at).getHours() / 24", "(now - created_at).getHours() / 24 + 0");
        assertThat(version(after, "user.account_age_days")).isNotEqualTo(version(before, "user.account_age_days"));
        assertThat(version(after, "user.risk_score")).isNotEqualTo(version(before, "user.risk_score"));
        assertThat(version(after, "user.email_domain")).isEqualTo(version(before, "user.email_domain"));
        assertThat(version(after, "user.created_at")).isEqualTo(version(before, "user.created_at"));
    }

    @Test
    void stalenessCommentsAndOrderDoNotChangeVersions() throws Exception {
        FeatureGraph before = fraud(null, null);
        FeatureGraph after = fraud("    max_staleness: 10m ", "    max_staleness: 20m ");
        assertThat(after.contentHash()).isNotEqualTo(before.contentHash());
        before.features()
                .forEach((id, f) -> assertThat(after.features().get(id).version())
                        .as(id.qualified())
                        .isEqualTo(f.version()));
    }

    @Test
    void changingATypeChangesTheVersion() throws Exception {
        FeatureGraph before = fraud(null, null);
        FeatureGraph after = fraud("      age: int\n", "      age: float\n");
        assertThat(version(after, "user.age")).isNotEqualTo(version(before, "user.age"));
        assertThat(version(after, "user.email")).isEqualTo(version(before, "user.email"));
    }

    @Test
    void changingTheSourceNameChangesResolvedVersions() throws Exception {
        FeatureGraph before = fraud(null, null);
        Map<String, String> files = ExampleProjects.fraud();
        files.put("slate.yaml", files.get("slate.yaml").replace("appdb", "maindb"));
        files.put("transactions.sql", files.get("transactions.sql").replace("appdb", "maindb"));
        FeatureGraph after = ProjectCompiler.compile(files);
        assertThat(version(after, "user.email")).isNotEqualTo(version(before, "user.email"));
        assertThat(version(after, "user.id")).isEqualTo(version(before, "user.id"));
    }
}
