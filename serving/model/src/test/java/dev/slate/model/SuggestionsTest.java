package dev.slate.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    @Test
    void suggestsCloseNames() {
        List<String> names = List.of("email", "age", "max_staleness", "expression");
        assertThat(Suggestions.closest("emial", names)).contains("email");
        assertThat(Suggestions.closest("max_stalenes", names)).contains("max_staleness");
        assertThat(Suggestions.closest("expresion", names)).contains("expression");
        assertThat(Suggestions.closest("Email", names)).contains("email");
    }

    @Test
    void staysQuietForFarOrExactNames() {
        List<String> names = List.of("email", "age");
        assertThat(Suggestions.closest("country", names)).isEmpty();
        assertThat(Suggestions.closest("email", names)).isEmpty();
        assertThat(Suggestions.closest("x", List.of())).isEmpty();
        assertThat(Suggestions.didYouMean("zzz", names)).isEmpty();
    }

    @Test
    void distanceCountsTranspositionsOnce() {
        assertThat(Suggestions.distance("ab", "ba")).isEqualTo(1);
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    }
}
