package dev.slate.control.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class AlertFormulaTest {

    private static final MetricSamples BEFORE = MetricSamples.parse("""
            # TYPE slate_feature_errors counter
            slate_feature_errors_total{code="RESOLVER_FAILED"} 10.0
            slate_feature_errors_total{code="UPSTREAM_FAILED"} 4.0
            slate_feature_requests_total{environment="prod",feature="user.email"} 100.0
            """);
    private static final MetricSamples NOW = MetricSamples.parse("""
            slate_feature_errors_total{code="RESOLVER_FAILED"} 40.0
            slate_feature_errors_total{code="UPSTREAM_FAILED"} 4.0
            slate_feature_requests_total{environment="prod",feature="user.email"} 400.0
            slate_feature_cache_hits_total{environment="prod",feature="user.email"} 300.0
            slate_dependency_up{dependency="online-store"} 0.0
            slate_query_duration_seconds_bucket{environment="prod",kind="online",query_name="adhoc",le="+Inf"} 12.0
            """);

    @Test
    void selectorsSumEveryMatchingSeries() {
        assertThat(eval("slate_feature_errors_total")).hasValue(44.0);
        assertThat(eval("slate_feature_errors_total{code=\"RESOLVER_FAILED\"}")).hasValue(40.0);
        assertThat(eval("slate_dependency_up{dependency=\"online-store\"}")).hasValue(0.0);
        assertThat(eval("slate_query_duration_seconds_bucket{le=\"+Inf\"}")).hasValue(12.0);
    }

    @Test
    void arithmeticAndRates() {
        assertThat(
                        eval(
                                "slate_feature_cache_hits_total{feature=\"user.email\"} / slate_feature_requests_total{feature=\"user.email\"}"))
                .hasValue(0.75);
        assertThat(eval("1 - (2 * 3) / 4 + 0.5")).hasValue(0.0);
        assertThat(eval("rate(slate_feature_errors_total{code=\"RESOLVER_FAILED\"})"))
                .hasValue(3.0); // 30 more in 10 s
        assertThat(eval("rate(slate_feature_errors_total) / rate(slate_feature_requests_total)"))
                .hasValue(0.1);
    }

    @Test
    void noDataIsNoValue() {
        assertThat(eval("slate_feature_errors_total{code=\"NO_SUCH\"}")).isEmpty();
        assertThat(eval("slate_feature_errors_total / slate_dependency_up")).isEmpty(); // division by zero
        assertThat(AlertFormula.parse("rate(slate_feature_errors_total)").evaluate(NOW, null, null))
                .isEmpty(); // no previous scrape yet
    }

    @Test
    void metricsAreListed() {
        assertThat(AlertFormula.parse("rate(a_total{x=\"1\"}) / (b + 2)").metrics())
                .containsExactly("a_total", "b");
    }

    @Test
    void malformedFormulasAreRefusedWithThePosition() {
        assertThatThrownBy(() -> AlertFormula.parse("slate_feature_errors_total{code=\"X\""))
                .isInstanceOf(FormulaException.class)
                .hasMessageContaining("position");
        assertThatThrownBy(() -> AlertFormula.parse("a + ")).hasMessageContaining("the formula ends");
        assertThatThrownBy(() -> AlertFormula.parse("a b")).hasMessageContaining("unexpected 'b' (at position 2)");
        assertThatThrownBy(() -> AlertFormula.parse("avg(a)")).hasMessageContaining("unknown function 'avg'");
        assertThatThrownBy(() -> AlertFormula.parse("rate(1)")).hasMessageContaining("rate() takes a metric");
        assertThatThrownBy(() -> AlertFormula.parse("(a")).hasMessageContaining("')' was expected");
        assertThatThrownBy(() -> AlertFormula.parse(" ")).hasMessageContaining("empty");
    }

    private static OptionalDouble eval(String formula) {
        return AlertFormula.parse(formula).evaluate(NOW, BEFORE, Duration.ofSeconds(10));
    }
}
