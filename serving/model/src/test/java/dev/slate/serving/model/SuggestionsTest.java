package dev.slate.serving.model;

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

    @Test
    void unknownNamesTheKindAndSuggests() {
        List<String> features = List.of("user.email", "user.age");
        assertThat(Suggestions.unknown("feature", "user.emial", features))
                .isEqualTo("unknown feature 'user.emial' (did you mean 'user.email'?)");
        assertThat(Suggestions.unknown("metric", "zzz", features)).isEqualTo("unknown metric 'zzz'");
        String huge = "user." + "x".repeat(500);
        assertThat(Suggestions.unknown("feature", huge, features))
                .hasSizeLessThan(120)
                .contains("...");
    }
}
