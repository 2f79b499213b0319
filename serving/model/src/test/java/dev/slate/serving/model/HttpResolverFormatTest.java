package dev.slate.serving.model;

import static dev.slate.serving.model.TestProjects.compile;
import static dev.slate.serving.model.TestProjects.onlyProblem;
import static dev.slate.serving.model.TestProjects.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.HttpCall;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.ResolverNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kind: http} resolvers: what they bind to, and what is refused at deploy with file, line and reason. */
class HttpResolverFormatTest {

    /** Line 12 is the resolver's {@code url}. */
    private static final String PROJECT = """
            project: p
            entities:
              user:
                key: id
                features:
                  id: int
                  country: {type: string, ingested: true}
                  score: float
                  segment: string
            resolvers:
              - name: scoring
                url: "http://scoring.internal/score/{{user.id}}?country={{country}}"
                kind: http
                headers: {Authorization: "Bearer ${secret:scoring_token}", Accept: application/json}
                outputs: {score: /score, user.segment: /profile/segment}
                timeout: 250ms
            """;

    @Test
    void bindsTemplatesParametersPointersAndPolicy() {
        FeatureGraph g = compile(PROJECT);
        ResolverNode r = g.resolvers().get("scoring");
        assertThat(r.entity()).isEqualTo("user");
        assertThat(r.parameters()).extracting(FeatureId::qualified).containsExactly("user.id", "user.country");
        assertThat(r.outputs()).extracting(ResolverNode.Output::column).containsExactly("/score", "/profile/segment");
        assertThat(g.features().get(new FeatureId("user", "score")).producer())
                .isEqualTo(new Producer.Resolved("scoring"));
        HttpCall call = r.http().orElseThrow();
        assertThat(call.method()).isEqualTo("GET");
        assertThat(call.url().parts())
                .containsExactly(
                        new HttpCall.Part.Literal("http://scoring.internal/score/"),
                        new HttpCall.Part.Parameter(0),
                        new HttpCall.Part.Literal("?country="),
                        new HttpCall.Part.Parameter(1));
        assertThat(call.headers().getFirst().value().parts())
                .containsExactly(
                        new HttpCall.Part.Literal("Bearer "), new HttpCall.Part.Secret("${secret:scoring_token}"));
        assertThat(call.policy().timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(r.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(call.policy().retries()).isEqualTo(HttpCall.Policy.DEFAULT.retries());
        assertThat(call.retryable()).isTrue();
    }

    @Test
    void aPlaceholderNamingAnUnknownFeatureIsRefusedAtItsLineAndColumn() {
        ProjectProblem p = onlyProblem(PROJECT.replace("{{country}}", "{{contry}}"));
        assertThat(p.code()).isEqualTo("UNKNOWN_FEATURE");
        assertThat(p.location().file()).isEqualTo("slate.yaml");
        assertThat(p.location().line()).isEqualTo(12);
        assertThat(p.location().column())
                .isEqualTo(PROJECT.lines().toList().get(11).indexOf("{{country}}") + 3);
        assertThat(p.message()).contains("{{contry}}").contains("did you mean 'country'");
    }

    @Test
    void aPlaceholderInTheBodyOrOfAnotherEntityIsRefused() {
        List<ProjectProblem> problems = problems(PROJECT.replace(
                        "  - name: scoring\n",
                        "  - name: scoring\n    method: POST\n    body: '{\"x\": {{user.nope}}}'\n")
                .replace("{{country}}", "{{account.country}}"));
        assertThat(problems)
                .extracting(ProjectProblem::code)
                .containsOnly("UNKNOWN_FEATURE")
                .hasSize(2);
        assertThat(problems)
                .extracting(p -> p.location().line())
                .containsExactlyInAnyOrder(13, 14); // the body, then the url
    }

    @Test
    void aCredentialInPlainTextIsRefusedWithoutRepeatingIt() {
        List<ProjectProblem> problems = problems(PROJECT.replace("Bearer ${secret:scoring_token}", "Bearer hunter2")
                .replace("?country={{country}}", "?api_key=hunter3&country={{country}}"));
        assertThat(problems)
                .extracting(ProjectProblem::code)
                .containsOnly("PLAINTEXT_SECRET")
                .hasSize(2);
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).doesNotContain("hunter"));
    }

    @Test
    void shapeMistakesAreRefused() {
        assertThat(onlyProblem(PROJECT.replace("/profile/segment", "$.profile.segment"))
                        .message())
                .contains("is not a JSON pointer");
        assertThat(onlyProblem(PROJECT.replace(
                                "  - name: scoring\n", "  - name: scoring\n    method: POST\n    retries: 2\n"))
                        .message())
                .contains("idempotent: true");
        assertThat(onlyProblem(PROJECT.replace("  - name: scoring\n", "  - name: scoring\n    method: FETCH\n"))
                        .code())
                .isEqualTo("INVALID_VALUE");
        assertThat(onlyProblem(PROJECT.replace("  - name: scoring\n", "  - name: scoring\n    body: '{}'\n"))
                        .message())
                .contains("only POST");
        assertThat(onlyProblem(PROJECT.replace("{{country}}", "{{country")).message())
                .contains("without a closing");
        assertThat(onlyProblem(PROJECT.replace("${secret:scoring_token}", "${vault:x}"))
                        .code())
                .isEqualTo("INVALID_VALUE");
        assertThat(onlyProblem(PROJECT.replace(
                                "outputs: {score: /score, user.segment: /profile/segment}",
                                "outputs: {score: /score, id: /id}"))
                        .message())
                .contains("cannot fill what it reads"); // id is the key
    }

    @Test
    void changingTheRequestChangesTheOutputsVersions() {
        FeatureGraph a = compile(PROJECT);
        FeatureGraph b = compile(PROJECT.replace("/score/", "/v2/score/"));
        FeatureGraph c = compile(PROJECT.replace("timeout: 250ms", "timeout: 300ms"));
        FeatureId score = new FeatureId("user", "score");
        assertThat(b.features().get(score).version())
                .isNotEqualTo(a.features().get(score).version());
        assertThat(c.features().get(score).version())
                .as("the policy does not define values")
                .isEqualTo(a.features().get(score).version());
    }
}
