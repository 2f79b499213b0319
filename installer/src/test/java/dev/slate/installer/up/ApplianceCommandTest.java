package dev.slate.installer.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ApplianceCommandTest {
    private static final Path JAVA = Path.of("/jdk/bin/java");
    private static final Path JAR = Path.of("/repo/appliance/target/quarkus-app/quarkus-run.jar");

    @Test
    void demoCommandLine() {
        assertThat(new ApplianceCommand(JAVA, JAR, true, 9090, Path.of("/data/slate")).arguments())
                .containsExactly(
                        "/jdk/bin/java",
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dslate.embedded=true",
                        "-Dslate.demo=true",
                        "-Dslate.http.port=9090",
                        "-Dslate.home=/data/slate",
                        "-jar",
                        JAR.toString());
    }

    @Test
    void withoutDemoThereIsNoDemoFlag() {
        assertThat(new ApplianceCommand(JAVA, JAR, false, 8080, Path.of("/h")).arguments())
                .doesNotContain("-Dslate.demo=true")
                .contains("-Dslate.embedded=true", "-Dslate.http.port=8080");
    }

    @Test
    void portMustBeValid() {
        assertThatThrownBy(() -> new ApplianceCommand(JAVA, JAR, false, 0, Path.of("/h")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bannerShowsTheReadyToPasteQueryForTheDemo() {
        String banner = ConsoleBanner.render(URI.create("http://127.0.0.1:8080"), Path.of("/h"), true);

        assertThat(banner)
                .contains("Slate is up at http://127.0.0.1:8080")
                .contains(
                        "./slate query --in user.id=1 --in transaction.id=1000 --out 'user.txn_count[1h]' --out 'user.spend[30d]'"
                                + " --out transaction.user.email_domain --out user.risk_score")
                .contains("curl -s http://127.0.0.1:8080/v1/query/online")
                .contains("user.spend is materialized: 1h buckets in Redis")
                .contains("user.spend[30d] sums 720 whole hours, the current one included")
                .contains("user.txn_count is computed by pushdown to PostgreSQL");
        assertThat(ConsoleBanner.render(URI.create("http://127.0.0.1:8080"), Path.of("/h"), false))
                .doesNotContain("materialized");
    }

    @Test
    void onAnotherPortTheQueryNamesTheUrl() {
        assertThat(DemoQuery.cli(URI.create("http://127.0.0.1:9090")))
                .isEqualTo(
                        "./slate --url http://127.0.0.1:9090 query --in user.id=1 --in transaction.id=1000 --out 'user.txn_count[1h]'"
                                + " --out 'user.spend[30d]' --out transaction.user.email_domain --out user.risk_score");
    }
}
