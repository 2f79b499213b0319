package dev.slate.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "0s, PT0S",
        "0, PT0S",
        "500ms, PT0.5S",
        "10m, PT10M",
        "1h, PT1H",
        "1d, PT24H",
        "1h30m, PT1H30M",
        "2d3h4m5s6ms, PT51H4M5.006S",
        "PT10M, PT10M",
        "pt1h, PT1H",
        "P1D, PT24H",
        "' 15s ', PT15S"
    })
    void parses(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "  ",
                "10",
                "1.5h",
                "-5m",
                "PT-1M",
                "10 minutes",
                "1w",
                "m10",
                "abc",
                "99999999999999999999d",
                "10mm",
                "P"
            })
    void rejects(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0s", "PT0.5S, 500ms", "PT10M, 10m", "PT1H30M, 1h30m", "PT48H, 2d", "PT25H0.001S, 1d1h1ms"})
    void formats(String duration, String expected) {
        assertThat(Durations.format(Duration.parse(duration))).isEqualTo(expected);
        assertThat(Durations.parse(expected)).isEqualTo(Duration.parse(duration));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "-5m"})
    void messagesSayWhatIsWrong(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).hasMessageContaining("'" + text + "'");
    }
}
