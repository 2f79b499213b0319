package dev.slate.auth.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaggedFeatureRuleTest {

    private final TaggedFeatureRule rule = new TaggedFeatureRule(Set.of("pii"));

    /*
     * user.email (pii) <- user.email_domain <- user.risk_score
     * user.ssn (pii, team:kyc) <- user.ssn_valid
     * user.age (team:growth) <- user.is_adult
     * user.risk_score also <- user.age
     */
    private final TaggedFeatureGraph graph = TaggedFeatureGraph.of(
            Map.of(
                    "user.email", Set.of("pii"),
                    "user.ssn", Set.of("pii", "team:kyc"),
                    "user.age", Set.of("team:growth")),
            Map.of(
                    "user.email_domain", Set.of("user.email"),
                    "user.risk_score", Set.of("user.age", "user.email_domain"),
                    "user.ssn_valid", Set.of("user.ssn"),
                    "user.is_adult", Set.of("user.age")));

    @Test
    void aTaggedFeatureIsWithheld() {
        Withheld w = rule.check("user.email", Set.of(), graph).orElseThrow();
        assertThat(w.tag()).isEqualTo("pii");
        assertThat(w.path()).containsExactly("user.email");
        assertThat(w.reason()).isEqualTo("feature 'user.email' is tagged 'pii'");
    }

    @Test
    void featuresComputedFromATaggedFeatureAreWithheldTransitively() {
        Withheld direct = rule.check("user.email_domain", Set.of(), graph).orElseThrow();
        assertThat(direct.path()).containsExactly("user.email_domain", "user.email");

        Withheld twoHops = rule.check("user.risk_score", Set.of(), graph).orElseThrow();
        assertThat(twoHops.path()).containsExactly("user.risk_score", "user.email_domain", "user.email");
        assertThat(twoHops.taggedFeature()).isEqualTo("user.email");
        assertThat(twoHops.reason())
                .isEqualTo("feature 'user.risk_score' is computed from 'user.email', tagged 'pii' "
                        + "(user.risk_score <- user.email_domain <- user.email)");
    }

    @Test
    void featuresWithoutRestrictedInputsAreNotWithheld() {
        assertThat(rule.check("user.is_adult", Set.of(), graph)).isEmpty();
        assertThat(rule.check("user.age", Set.of(), graph)).isEmpty();
        assertThat(rule.check("no.such.feature", Set.of(), graph)).isEmpty();
    }

    @Test
    void theGrantLiftsTheRestriction() {
        assertThat(rule.withheld(List.of("user.email", "user.risk_score", "user.ssn_valid"), Set.of("pii"), graph))
                .isEmpty();
    }

    @Test
    void unrestrictedTagsNeverWithholdAndGrantsOfOtherTagsDoNotHelp() {
        assertThat(rule.check("user.is_adult", Set.of(), graph)).isEmpty();
        assertThat(rule.check("user.ssn_valid", Set.of("team:kyc"), graph)).isPresent();
    }

    @Test
    void withheldKeepsRequestOrderAndSkipsAllowedFeatures() {
        Map<String, Withheld> out = rule.withheld(
                List.of("user.is_adult", "user.ssn_valid", "user.age", "user.risk_score", "user.ssn_valid"),
                Set.of(),
                graph);
        assertThat(out.keySet()).containsExactly("user.ssn_valid", "user.risk_score");
    }

    @Test
    void aGraphWithACycleTerminates() {
        TaggedFeatureGraph cyclic =
                TaggedFeatureGraph.of(Map.of("c", Set.of("pii")), Map.of("a", Set.of("b"), "b", Set.of("a", "c")));
        assertThat(rule.check("a", Set.of(), cyclic).orElseThrow().path()).containsExactly("a", "b", "c");
        TaggedFeatureGraph cycleOnly = TaggedFeatureGraph.of(Map.of(), Map.of("a", Set.of("b"), "b", Set.of("a")));
        assertThat(rule.check("a", Set.of(), cycleOnly)).isEmpty();
    }

    @Test
    void theShortestPathIsReportedWithTiesBrokenByName() {
        TaggedFeatureGraph diamond = TaggedFeatureGraph.of(
                Map.of("z.tagged", Set.of("pii"), "a.tagged", Set.of("pii")),
                Map.of("top", Set.of("mid.b", "mid.a"), "mid.a", Set.of("z.tagged"), "mid.b", Set.of("a.tagged")));
        assertThat(rule.check("top", Set.of(), diamond).orElseThrow().path())
                .containsExactly("top", "mid.a", "z.tagged");
    }

    @Test
    void severalRestrictedTagsNeedEveryGrant() {
        TaggedFeatureRule two = new TaggedFeatureRule(Set.of("pii", "financial"));
        TaggedFeatureGraph g = TaggedFeatureGraph.of(
                Map.of("balance", Set.of("financial"), "email", Set.of("pii")),
                Map.of("score", Set.of("balance", "email")));
        assertThat(two.check("score", Set.of("pii"), g).orElseThrow().tag()).isEqualTo("financial");
        assertThat(two.check("score", Set.of("financial"), g).orElseThrow().tag())
                .isEqualTo("pii");
        assertThat(two.check("score", Set.of("pii", "financial"), g)).isEmpty();
    }
}
