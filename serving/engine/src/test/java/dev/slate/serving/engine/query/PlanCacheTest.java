package dev.slate.serving.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.exec.QueryObserver;
import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.engine.plan.Plan;
import dev.slate.serving.engine.plan.PlanningException;
import dev.slate.serving.engine.plan.QueryShape;
import dev.slate.serving.model.ExampleProjects;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.storage.testing.InMemoryOnlineStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plans are cached per snapshot by query shape: inputs (as a set), outputs (in order) and staleness overrides. */
class PlanCacheTest {

    private static FeatureGraph graph;

    @BeforeAll
    static void compile() throws Exception {
        graph = ProjectCompiler.compile(ExampleProjects.fraud());
    }

    private static ActiveDeployment deployment(String id) {
        return new ActiveDeployment("prod", id, 1, graph, Instant.parse("2026-01-01T00:00:00Z"));
    }

    private static FeatureId id(String qualified) {
        return FeatureId.parse(qualified).orElseThrow();
    }

    @Test
    void theSameShapeIsPlannedOnceWhateverTheOrderOfInputsAndOverrides() throws Exception {
        ServingSnapshot snapshot = new ServingSnapshot(deployment("d1"));
        LinkedHashSet<FeatureId> inputs = new LinkedHashSet<>(List.of(id("user.id"), id("user.country")));
        LinkedHashSet<FeatureId> reversed = new LinkedHashSet<>(List.of(id("user.country"), id("user.id")));
        Map<FeatureId, Duration> staleness =
                new HashMap<>(Map.of(id("user.email"), Duration.ZERO, id("user.age"), Duration.ofMinutes(1)));

        Plan first =
                snapshot.plan(QueryShape.of(inputs, List.of(id("user.credit_limit"), id("user.email")), staleness));
        Plan second = snapshot.plan(
                QueryShape.of(reversed, List.of(id("user.credit_limit"), id("user.email")), new TreeMap<>(staleness)));

        assertThat(second).isSameAs(first);
        assertThat(snapshot.cachedPlans()).isEqualTo(1);
    }

    @Test
    void outputOrderAndStalenessOverridesAreDifferentShapes() throws Exception {
        ServingSnapshot snapshot = new ServingSnapshot(deployment("d1"));
        Set<FeatureId> key = Set.of(id("user.id"));
        Plan a = snapshot.plan(QueryShape.of(key, List.of(id("user.email"), id("user.age")), Map.of()));
        Plan b = snapshot.plan(QueryShape.of(key, List.of(id("user.age"), id("user.email")), Map.of()));
        Plan c = snapshot.plan(
                QueryShape.of(key, List.of(id("user.email"), id("user.age")), Map.of(id("user.email"), Duration.ZERO)));
        Plan d = snapshot.plan(QueryShape.of(
                key, List.of(id("user.email"), id("user.age")), Map.of(id("user.email"), Duration.ofSeconds(1))));

        assertThat(List.of(a.hash(), b.hash(), c.hash(), d.hash())).doesNotHaveDuplicates();
        assertThat(snapshot.cachedPlans()).isEqualTo(4);
        // the output order is the answer's order
        assertThat(outputs(b)).containsExactly("user.age", "user.email");
        assertThat(outputs(a)).containsExactly("user.email", "user.age");
        assertThat(snapshot.plan(QueryShape.of(
                        key, List.of(id("user.email"), id("user.age")), Map.of(id("user.email"), Duration.ZERO))))
                .isSameAs(c);
    }

    @Test
    void aShapeThatCannotBePlannedIsNotCached() {
        ServingSnapshot snapshot = new ServingSnapshot(deployment("d1"));
        QueryShape noKey = QueryShape.of(Set.of(id("user.country")), List.of(id("user.email")), Map.of());
        assertThatThrownBy(() -> snapshot.plan(noKey)).isInstanceOf(PlanningException.class);
        assertThatThrownBy(() -> snapshot.plan(noKey)).isInstanceOf(PlanningException.class);
        assertThat(snapshot.cachedPlans()).isZero();
    }

    @Test
    void theCacheIsBounded() throws Exception {
        ServingSnapshot snapshot = new ServingSnapshot(deployment("d1"));
        Set<FeatureId> key = Set.of(id("user.id"));
        for (int i = 0; i <= ServingSnapshot.MAX_CACHED_PLANS; i++) {
            snapshot.plan(
                    QueryShape.of(key, List.of(id("user.email")), Map.of(id("user.email"), Duration.ofMillis(i))));
            assertThat(snapshot.cachedPlans()).isLessThanOrEqualTo(ServingSnapshot.MAX_CACHED_PLANS);
        }
        assertThat(snapshot.cachedPlans()).isPositive();
    }

    @Test
    void reinstallingTheSameDeploymentKeepsTheCacheAndANewOneStartsEmpty() throws Exception {
        ServingState state = new ServingState();
        state.install(deployment("d1"));
        ServingSnapshot before = state.snapshot("prod").orElseThrow();
        before.plan(QueryShape.of(Set.of(id("user.id")), List.of(id("user.email")), Map.of()));

        state.install(deployment("d1"));
        assertThat(state.snapshot("prod").orElseThrow()).isSameAs(before);
        assertThat(before.cachedPlans()).isEqualTo(1);

        state.install(deployment("d2"));
        assertThat(state.snapshot("prod").orElseThrow()).isNotSameAs(before);
        assertThat(state.snapshot("prod").orElseThrow().cachedPlans()).isZero();
    }

    @Test
    void requestsWithTheSameShapeAndDifferentValuesShareOnePlan() throws Exception {
        ServingState state = new ServingState();
        state.install(deployment("d1"));
        // the shape reads no store and runs no resolver (a resolver call would fail the query)
        InMemoryOnlineStore store = new InMemoryOnlineStore();
        PlanExecutor executor = new PlanExecutor(
                store,
                (g, r, p) -> CompletableFuture.failedFuture(new ResolverFailure("no resolver expected")),
                QueryObserver.NONE,
                Duration.ofMillis(100));
        OnlineQueryService service = new OnlineQueryService(
                state,
                executor,
                QueryLimits.DEFAULTS,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

        QueryAnswer a = service.query("prod", request(Map.of("user.email", "ann@example.com")))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        QueryAnswer b = service.query("prod", request(Map.of("user.email", "bob@example.org")))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        assertThat(a.rows().get(0).get(0).value()).isEqualTo("example.com");
        assertThat(b.rows().get(0).get(0).value()).isEqualTo("example.org");
        assertThat(b.planHash()).isEqualTo(a.planHash());
        assertThat(state.snapshot("prod").orElseThrow().cachedPlans()).isEqualTo(1);
        assertThat(store.readCalls()).isZero();
        assertThat(store.writes()).isEmpty();
    }

    private static List<String> outputs(Plan plan) {
        return Arrays.stream(plan.outputSlots())
                .mapToObj(s -> plan.features().get(s).node().id().qualified())
                .toList();
    }

    private static OnlineQueryRequest request(Map<String, Object> inputs) {
        return new OnlineQueryRequest(inputs, List.of("user.email_domain"), Map.of(), null, false, false, null);
    }
}
