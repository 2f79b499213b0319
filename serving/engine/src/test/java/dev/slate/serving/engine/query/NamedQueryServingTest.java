package dev.slate.serving.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.exec.QueryObserver;
import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineStoreCapability;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Named queries: planned when the snapshot is built, called by name (and version), reported to the observer by name. */
class NamedQueryServingTest {

    private static final String PROJECT = """
            project: p
            entities:
              user:
                key: id
                max_staleness: 0s
                features:
                  id: int
                  email: {type: string, expression: "'u' + string(id) + '@example.com'"}
                  domain: {type: string, expression: "email.split('@')[1]"}
                  tag: {type: string, expression: "'v' + string(id)"}
            named_queries:
              - name: checkout
                inputs: [user.id]
                outputs: [user.domain, user.email]
              - name: checkout
                version: 2
                inputs: [user.id]
                outputs: [user.tag]
            """;

    private final List<String> observed = new CopyOnWriteArrayList<>();
    private ServingState state;
    private OnlineQueryService service;

    @BeforeEach
    void setUp() throws Exception {
        state = new ServingState();
        state.install(new ActiveDeployment(
                "default", "d1", 1, ProjectCompiler.compile(Map.of("slate.yaml", PROJECT)), Instant.EPOCH));
        QueryObserver observer = new QueryObserver() {
            @Override
            public void storeRead(int hits, int misses, Duration duration) {}

            @Override
            public void storeFailure(String operation, Throwable cause) {}

            @Override
            public void resolverRun(String resolver, Duration duration, Outcome outcome) {}

            @Override
            public void queryCompleted(Completion completion) {
                observed.add(completion.queryName() == null ? "<none>" : completion.queryName());
            }
        };
        PlanExecutor executor = new PlanExecutor(
                new EmptyStore(),
                (g, r, p) -> CompletableFuture.failedFuture(new ResolverFailure("none")),
                observer,
                Duration.ofSeconds(1));
        service = new OnlineQueryService(
                state,
                executor,
                QueryLimits.DEFAULTS,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    private QueryAnswer query(
            Map<String, Object> inputs,
            List<String> outputs,
            Map<String, String> staleness,
            String name,
            String version)
            throws Exception {
        return service.query(
                        "default",
                        new OnlineQueryRequest(inputs, outputs, staleness, null, false, false, name, version))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void plansArePreparedWithTheSnapshotAndCalledByName() throws Exception {
        ServingSnapshot snapshot = state.snapshot("default").orElseThrow();
        assertThat(snapshot.cachedPlans()).as("planned at deployment").isEqualTo(2);
        assertThat(snapshot.namedQuery("checkout", null).orElseThrow().query().version())
                .isEqualTo(2);

        QueryAnswer v1 = query(Map.of("user.id", 7), List.of(), Map.of(), "checkout", "1");
        assertThat(v1.outputs()).extracting(o -> o.name()).containsExactly("user.domain", "user.email");
        assertThat(v1.value(0, 0)).isEqualTo("example.com");
        assertThat(v1.value(0, 1)).isEqualTo("u7@example.com");
        assertThat(v1.planHash())
                .isEqualTo(
                        snapshot.namedQuery("checkout", 1).orElseThrow().plan().hash());

        QueryAnswer latest = query(Map.of("user.id", 7), null, null, "checkout", null);
        assertThat(latest.outputs()).extracting(o -> o.name()).containsExactly("user.tag");
        assertThat(latest.value(0, 0)).isEqualTo("v7");

        query(Map.of("user.id", 7), List.of("user.tag"), Map.of(), null, null);
        assertThat(snapshot.cachedPlans())
                .as("the ad-hoc query of the same shape uses the named plan")
                .isEqualTo(2);
        // with outputs, query_name only labels an ad-hoc query (echoed in the answer), whatever it says
        QueryAnswer adHoc = query(Map.of("user.id", 7), List.of("user.email"), Map.of(), "anything-at-all", null);
        assertThat(adHoc.value(0, 0)).isEqualTo("u7@example.com");
        assertThat(observed).containsExactly("checkout", "checkout", "<none>", "<none>");
    }

    @Test
    void badCallsAreRequestErrors() {
        assertThatThrownBy(() -> query(Map.of("user.id", 7), List.of(), Map.of(), "checkot", null))
                .isInstanceOfSatisfying(
                        SlateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY))
                .hasMessageContaining("unknown named query 'checkot'")
                .hasMessageContaining("did you mean 'checkout'");
        assertThatThrownBy(() -> query(Map.of("user.id", 7), List.of(), Map.of(), "checkout", "3"))
                .hasMessageContaining("has no version 3; its latest is 2");
        assertThatThrownBy(() -> query(Map.of("user.id", 7), List.of("user.tag"), Map.of(), "checkout", "1"))
                .hasMessageContaining("give no 'outputs'");
        assertThatThrownBy(() -> query(Map.of("user.id", 7), List.of(), Map.of("user.tag", "0s"), "checkout", null))
                .hasMessageContaining("staleness");
        assertThatThrownBy(() -> query(Map.of("user.id", 7), List.of(), Map.of(), "checkout", "two"))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> query(Map.of("user.id", 7, "user.email", "x@y"), List.of(), Map.of(), "checkout", "1"))
                .hasMessageContaining("takes the inputs [user.id]");
        assertThatThrownBy(() -> query(Map.of("user.id", 7), List.of(), Map.of(), null, "1"))
                .hasMessageContaining("needs 'query_name'");
        assertThat(observed).isEmpty();
    }

    /** Holds nothing. */
    private static final class EmptyStore implements OnlineStore {
        @Override
        public Set<OnlineStoreCapability> capabilities() {
            return Set.of();
        }

        @Override
        public CompletionStage<List<List<StoredValue>>> read(List<OnlineRead> reads) {
            List<List<StoredValue>> out = new ArrayList<>();
            for (OnlineRead r : reads) {
                List<StoredValue> none = new ArrayList<>();
                r.slots().forEach(s -> none.add(null));
                out.add(none);
            }
            return CompletableFuture.completedFuture(out);
        }

        @Override
        public CompletionStage<Void> write(List<OnlineWrite> writes) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> dropNamespace(String namespace) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> ping() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}
    }
}
