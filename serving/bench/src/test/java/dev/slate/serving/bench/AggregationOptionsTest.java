package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AggregationOptionsTest {

    @Test
    void defaultsAreTheIssuesSetting() {
        AggregationOptions o = AggregationOptions.parse(new String[0]);
        assertThat(o.users()).isEqualTo(20);
        assertThat(o.rowsPerUser()).isEqualTo(10_000);
        assertThat(o.rate()).isEqualTo(200);
        assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.measure()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.pushdownEnvironment()).isEqualTo("aggpush");
        assertThat(o.materializedEnvironment()).isEqualTo("aggmat");
        assertThat(o.skipSetup()).isFalse();
        assertThat(o.keep()).isFalse();
        assertThat(o.output().getFileName()).hasToString("aggregation-results.json");
    }

    @Test
    void takesTheOptionsRunShPassesAndItsOwn() {
        AggregationOptions o = AggregationOptions.parse(new String[] {
            "--pg-host",
            "127.0.0.1",
            "--pg-port",
            "5433",
            "--pg-database",
            "db",
            "--pg-user",
            "u",
            "--redis",
            "redis://127.0.0.1:6380",
            "--output",
            "/tmp/x.json",
            "--url",
            "http://127.0.0.1:18081",
            "--quick",
            "--users=3",
            "--rows-per-user",
            "500",
            "--rate",
            "50",
            "--environment",
            "b2",
            "--skip-setup",
            "--keep"
        });
        assertThat(o.pg().url()).isEqualTo("postgresql://127.0.0.1:5433/db");
        assertThat(o.redisUrl().getPort()).isEqualTo(6380);
        assertThat(o.slatePort()).isEqualTo(18081);
        assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.measure()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.users()).isEqualTo(3);
        assertThat(o.rowsPerUser()).isEqualTo(500);
        assertThat(o.rate()).isEqualTo(50);
        assertThat(o.pushdownEnvironment()).isEqualTo("b2push");
        assertThat(o.skipSetup()).isTrue();
        assertThat(o.keep()).isTrue();
    }

    @Test
    void refusesWhatWouldBreakKeysOrLeaveTheMachine() {
        assertThatThrownBy(() -> AggregationOptions.parse(new String[] {"--environment", "a:b"}))
                .isInstanceOf(BenchOptions.UsageException.class)
                .hasMessageContaining("lower-case letters and digits");
        assertThatThrownBy(() -> AggregationOptions.parse(new String[] {"--url", "http://192.0.2.1:8080"}))
                .isInstanceOf(BenchOptions.UsageException.class)
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> AggregationOptions.parse(new String[] {"--users", "0"}))
                .isInstanceOf(BenchOptions.UsageException.class);
        assertThatThrownBy(() -> AggregationOptions.parse(new String[] {"--scenario", "a"}))
                .isInstanceOf(BenchOptions.UsageException.class)
                .hasMessageContaining("unknown option --scenario");
    }
}
