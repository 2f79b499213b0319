package dev.slate.serving.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.slate.serving.engine.TestGraphs;
import dev.slate.serving.model.ExampleProjects;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.storage.spi.FeatureType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the plans of the built-in {@code fraud} example project as golden files: for each
 * representative query shape, the text of {@link Plan#explain()} must equal
 * {@code src/test/resources/golden/fraud-NAME.txt} exactly (the plan hash included).
 *
 * <p>A change to the planner or to {@link PlanExplainer} that changes a plan shows up here as a diff
 * to review. When the change is intended, regenerate the files and review them with {@code git diff}:
 *
 * <pre>
 * ./mvnw -B verify -pl serving/engine -Dtest=FraudPlanGoldenTest -Dslate.golden.update=true
 * </pre>
 *
 * With {@code -Dslate.golden.update=true} the test (run from the module directory, as Maven does)
 * rewrites every golden file with the current output instead of comparing, and passes.
 */
class FraudPlanGoldenTest {

    static final String UPDATE_PROPERTY = "slate.golden.update";
    private static final Path SOURCE_DIR = Path.of("src", "test", "resources", "golden");

    private static FeatureGraph graph;

    @BeforeAll
    static void compile() throws Exception {
        graph = ProjectCompiler.compile(ExampleProjects.fraud());
    }

    /** One query shape: the golden file's name, what is given, what is asked for, staleness overrides. */
    record Case(String name, List<String> inputs, List<String> outputs, Map<String, Duration> staleness) {
        QueryShape shape() {
            Map<FeatureId, Duration> overrides = new LinkedHashMap<>();
            staleness.forEach((k, v) -> overrides.put(id(k), v));
            return QueryShape.of(
                    new LinkedHashSet<>(inputs.stream().map(FeatureGraphIds::id).toList()),
                    outputs.stream().map(FeatureGraphIds::id).toList(),
                    overrides);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<String> allUser = new ArrayList<>();
        List<String> allTransaction = new ArrayList<>();
        try {
            for (FeatureId f :
                    ProjectCompiler.compile(ExampleProjects.fraud()).features().keySet()) {
                (f.entity().equals("user") ? allUser : allTransaction).add(f.qualified());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<String> everything = new ArrayList<>(allUser);
        everything.addAll(allTransaction);
        everything.removeAll(List.of("user.id", "transaction.id"));
        return Stream.of(
                        // one resolved output from the key: one store read, one resolver, one write-back
                        new Case("user-email-by-key", List.of("user.id"), List.of("user.email"), Map.of()),
                        // a CEL feature over a resolved one
                        new Case("user-email-domain", List.of("user.id"), List.of("user.email_domain"), Map.of()),
                        // chained resolvers: user_credit's :country is an output of user_profile
                        new Case(
                                "user-credit-limit-chained",
                                List.of("user.id"),
                                List.of("user.credit_limit"),
                                Map.of()),
                        // CEL over CEL over resolved features from both resolvers; never-cached (0s) features
                        new Case("user-risk-score", List.of("user.id"), List.of("user.risk_score"), Map.of()),
                        // every feature of both entities, both keys given
                        new Case("all-outputs", List.of("user.id", "transaction.id"), everything, Map.of()),
                        // country given: user_profile is pruned, only the chained resolver runs
                        new Case(
                                "user-credit-limit-country-given",
                                List.of("user.id", "user.country"),
                                List.of("user.credit_limit"),
                                Map.of()),
                        // no key, only the expression's input: nothing to read or write, one compute step
                        new Case(
                                "user-email-domain-from-email",
                                List.of("user.email"),
                                List.of("user.email_domain"),
                                Map.of()),
                        // staleness overrides: 0s takes email_domain out of the store read, 1d widens credit_limit's
                        // bound
                        new Case(
                                "user-staleness-overrides",
                                List.of("user.id"),
                                List.of("user.email_domain", "user.credit_limit"),
                                Map.of("user.email_domain", Duration.ZERO, "user.credit_limit", Duration.ofDays(1))),
                        // an entity without max_staleness: cached values never go stale
                        new Case(
                                "transaction-large",
                                List.of("transaction.id"),
                                List.of("transaction.is_large", "transaction.merchant"),
                                Map.of()),
                        // features of the related user from the transaction's foreign key: a follow step with the
                        // user's own plan
                        new Case(
                                "transaction-user-relation",
                                List.of("transaction.id"),
                                List.of("transaction.user.email_domain", "transaction.unverified_large"),
                                Map.of()),
                        // windows of two aggregations over user.transactions: txn_count pushed down in one statement
                        // for its longest window, spend (materialize: {bucket: 1h}) read from its epoch-aligned buckets
                        new Case(
                                "user-aggregations",
                                List.of("user.id"),
                                List.of("user.txn_count[1h]", "user.txn_count[7d]", "user.spend[30d]"),
                                Map.of()),
                        // the has_many listing, whole and with two fields: one list step each, never cached
                        new Case(
                                "user-transactions-listing",
                                List.of("user.id"),
                                List.of("user.transactions", "user.transactions{amount,ts}"),
                                Map.of()))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void planMatchesGoldenFile(Case c) throws Exception {
        String actual = new Planner(graph).plan(c.shape()).explain();
        String file = "fraud-" + c.name() + ".txt";
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            Files.createDirectories(SOURCE_DIR);
            Files.writeString(SOURCE_DIR.resolve(file), actual, StandardCharsets.UTF_8);
            return;
        }
        String expected = golden(file);
        if (!expected.equals(actual)) {
            fail("plan for " + c.name() + " differs from golden/" + file + " (if intended, rerun with -D"
                    + UPDATE_PROPERTY + "=true and review the diff)\n--- expected\n" + expected + "--- actual\n"
                    + actual);
        }
    }

    @Test
    void everyGoldenFileHasACase() throws Exception {
        assumeFalse(Boolean.getBoolean(UPDATE_PROPERTY), "the class path copy is stale while the files are rewritten");
        Set<String> expected = new LinkedHashSet<>();
        cases().forEach(a -> expected.add("fraud-" + ((Case) a.get()[0]).name() + ".txt"));
        URL dir = FraudPlanGoldenTest.class.getResource("/golden/");
        assertThat(dir).as("golden/ on the test class path").isNotNull();
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("fraud-")))
                    .as("golden files of the fraud project, one per case (remove files without a case)")
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void explainIsTheSameWhateverTheInputOrderAndTheDefaultLocale() throws Exception {
        Case c = new Case(
                "x",
                List.of("user.id", "transaction.id", "user.country"),
                List.of("user.risk_score", "transaction.is_large", "user.credit_limit"),
                Map.of(
                        "user.email",
                        Duration.ofSeconds(90),
                        "user.age",
                        Duration.ZERO,
                        "user.name",
                        Duration.ofMillis(1500)));
        String reference = new Planner(graph).plan(c.shape()).explain();
        Case reordered = new Case(
                "x",
                List.of("user.country", "transaction.id", "user.id"),
                c.outputs(),
                new LinkedHashMap<>(Map.of(
                        "user.name",
                        Duration.ofMillis(1500),
                        "user.age",
                        Duration.ZERO,
                        "user.email",
                        Duration.ofSeconds(90))));
        Locale before = Locale.getDefault();
        try {
            // Thai digits: a locale-sensitive format of a number would change the text
            Locale.setDefault(Locale.forLanguageTag("th-TH-u-nu-thai"));
            FeatureGraph again = ProjectCompiler.compile(ExampleProjects.fraud());
            assertThat(new Planner(again).plan(reordered.shape()).explain()).isEqualTo(reference);
        } finally {
            Locale.setDefault(before);
        }
        assertThat(reference).contains("staleness overrides: user.age=0s, user.email=90s, user.name=1500ms");
    }

    @Test
    void stepNumbersStayAlignedAndExpressionsStayOnOneLine() throws Exception {
        // a chain e1 <- e0 <- ... of twelve expressions over one resolved feature: thirteen steps
        TestGraphs g = TestGraphs.project("chain")
                .entity("user", "id", FeatureType.Scalar.INT, Optional.empty())
                .resolver(
                        "profile",
                        "user",
                        List.of("id"),
                        List.of("age"),
                        FeatureType.Scalar.INT,
                        Optional.empty(),
                        Duration.ofSeconds(1));
        String previous = "age";
        for (int i = 0; i < 12; i++) {
            g.expression(
                    "user",
                    "e" + i,
                    FeatureType.Scalar.INT,
                    Optional.of(Duration.ZERO),
                    List.of(previous),
                    a -> a.get(0));
            previous = "e" + i;
        }
        Plan plan =
                new Planner(g.build()).plan(QueryShape.of(Set.of(id("user.id")), List.of(id("user.e11")), Map.of()));
        List<String> steps = Arrays.stream(plan.explain().split("\n"))
                .filter(l -> l.matches(" {5}[ 0-9]{2}\\. .*"))
                .toList();
        assertThat(steps).hasSize(13);
        assertThat(steps.get(0)).startsWith("      0. resolve profile ");
        assertThat(steps.get(12)).startsWith("     12. compute user.e11 = e11(e10) with [user.e10]");

        String all = new Planner(graph)
                .plan(QueryShape.of(Set.of(id("user.id")), List.of(id("user.risk_score")), Map.of()))
                .explain();
        assertThat(all)
                .contains("compute user.risk_score = (is_verified ? 0.0 : 0.4) + (age < 21 ? 0.2 : 0.0) + "
                        + "(credit_limit > 5000.0 ? 0.1 : 0.0) + (account_age_days < 30 ? 0.3 : 0.0) with [");
    }

    @Test
    void aShapeWithoutTheKeyOfAResolverInputCannotBePlanned() {
        Case c = new Case("x", List.of("user.country"), List.of("user.email"), Map.of());
        assertThatThrownBy(() -> new Planner(graph).plan(c.shape()))
                .isInstanceOf(PlanningException.class)
                .hasMessage("missing input user.id (key of entity user) needed for user.email");
    }

    private static String golden(String file) throws IOException {
        try (InputStream in = FraudPlanGoldenTest.class.getResourceAsStream("/golden/" + file)) {
            if (in == null) {
                fail("golden/" + file + " is missing; create it with -D" + UPDATE_PROPERTY + "=true and review it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static FeatureId id(String qualified) {
        return FeatureGraphIds.id(qualified);
    }

    /** Parses qualified names of the fixture, failing loudly on a typo. */
    static final class FeatureGraphIds {
        static FeatureId id(String qualified) {
            int dot = qualified.indexOf(
                    '.'); // at the first dot: transaction.user.email_domain is feature user.email_domain of transaction
            if (dot <= 0) {
                throw new IllegalArgumentException("not a feature name: " + qualified);
            }
            return new FeatureId(qualified.substring(0, dot), qualified.substring(dot + 1));
        }
    }
}
