package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void defaults() {
        BenchOptions o = BenchOptions.parse(new String[0]);
        assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.measure()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.scenarios()).containsExactlyInAnyOrder(ScenarioId.values());
        assertThat(o.rateA()).isEqualTo(1000);
        assertThat(o.rateC()).isEqualTo(500);
        assertThat(o.rateD()).isEqualTo(5);
        assertThat(o.floorUrl()).isEmpty();
        assertThat(o.slatePort()).isEqualTo(8080);
        assertThat(o.pg().url()).isEqualTo("postgresql://127.0.0.1:5432/test");
    }

    @Test
    void quickShortensRunsUnlessDurationsAreGiven() {
        BenchOptions quick = BenchOptions.parse(new String[] {"--quick", "--scenario", "a"});
        assertThat(quick.warmup()).isEqualTo(Duration.ofSeconds(2));
        assertThat(quick.measure()).isEqualTo(Duration.ofSeconds(5));
        assertThat(quick.scenarios()).containsExactlyInAnyOrder(ScenarioId.A_OPEN, ScenarioId.A_CLOSED);
        BenchOptions explicit =
                BenchOptions.parse(new String[] {"--quick", "--duration=9", "--url", "http://localhost:9123"});
        assertThat(explicit.measure()).isEqualTo(Duration.ofSeconds(9));
        assertThat(explicit.slatePort()).isEqualTo(9123);
    }

    @Test
    void scenarioDAndTheFloorAreOptions() {
        BenchOptions o = BenchOptions.parse(
                new String[] {"--scenario", "b,d", "--rate-d", "7", "--floor-url", "http://127.0.0.1:18101"});
        assertThat(o.scenarios()).containsExactlyInAnyOrder(ScenarioId.B, ScenarioId.D);
        assertThat(o.rateD()).isEqualTo(7);
        assertThat(o.floorUrl())
                .hasValueSatisfying(u -> assertThat(BenchOptions.port(u)).isEqualTo(18101));
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--floor-url", "http://10.1.2.3:8080"}))
                .isInstanceOf(BenchOptions.UsageException.class)
                .hasMessageContaining("--floor-url");
    }

    @Test
    void slateOnlyLeavesOutTheBaselineAndExcludesBaselineOnly() {
        assertThat(BenchOptions.parse(new String[0]).slateOnly()).isFalse();
        BenchOptions o = BenchOptions.parse(new String[] {"--slate-only", "--scenario", "a-open"});
        assertThat(o.slateOnly()).isTrue();
        assertThat(o.baselineOnly()).isFalse();
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--slate-only", "--baseline-only"}))
                .isInstanceOf(BenchOptions.UsageException.class)
                .hasMessageContaining("exclude each other");
    }

    @Test
    void onlyLoopbackAddressesAreAccepted() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--url", "http://10.1.2.3:8080"}))
                .isInstanceOf(BenchOptions.UsageException.class)
                .hasMessageContaining("not a loopback address");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--pg-host", "192.168.0.1"}))
                .isInstanceOf(BenchOptions.UsageException.class)
                .hasMessageContaining("--pg-host");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--redis", "redis://8.8.8.8:6379"}))
                .isInstanceOf(BenchOptions.UsageException.class)
                .hasMessageContaining("--redis");
        assertThat(BenchOptions.parse(new String[] {"--url", "http://[::1]:8081"})
                        .slatePort())
                .isEqualTo(8081);
    }

    @Test
    void badValuesAreRejectedWithTheOptionName() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rate-a", "fast"}))
                .hasMessageContaining("--rate-a");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--scenario", "e"}))
                .hasMessageContaining("unknown scenario 'e'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--frobnicate"}))
                .hasMessageContaining("unknown option --frobnicate");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--duration"}))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--warmup", "500", "--duration", "500"}))
                .hasMessageContaining("at most");
    }

    @Test
    void thePasswordIsNotShown() {
        BenchOptions o = BenchOptions.parse(new String[] {"--pg-password", "hunter2"});
        assertThat(o.toString()).doesNotContain("hunter2");
        assertThat(o.pg().toString()).doesNotContain("hunter2");
    }
}
