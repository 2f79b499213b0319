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
import dev.slate.storage.testing.InMemoryOnlineStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Branches (docs/environments.md, "Branches"): a branch serves only requests naming it, never changes what the
 * environment serves, reads the environment's online store but never writes back to it, and is not recorded in the
 * feature log; an unknown branch is UNKNOWN_BRANCH; its resolvers use the secrets of its environment.
 */
class BranchServingTest {

    private static final String MAIN = """
            project: p
            entities:
              user:
                key: id
                max_staleness: 1d
                features:
                  id: int
                  tag: {type: string, expression: "'main-' + string(id)"}
            """;
    private static final String BRANCH = MAIN.replace("'main-'", "'branch-'");

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final InMemoryOnlineStore store = new InMemoryOnlineStore();
    private ServingState state;
    private OnlineQueryService service;
    private ActiveDeployment main;
    private ActiveDeployment branch;

    @BeforeEach
    void setUp() throws Exception {
        state = new ServingState();
        main = new ActiveDeployment(
                "qa", "d-main", 1, ProjectCompiler.compile(Map.of("slate.yaml", MAIN)), Instant.EPOCH);
        branch = new ActiveDeployment(
                "qa", "d-branch", 2, ProjectCompiler.compile(Map.of("slate.yaml", BRANCH)), Instant.EPOCH);
        state.install(main);
        state.installBranch("exp", branch, Optional.of("developer"));
        PlanExecutor executor = new PlanExecutor(
                store,
                (g, r, p) -> CompletableFuture.failedFuture(new ResolverFailure("none")),
                QueryObserver.NONE,
                Duration.ofSeconds(1));
        service = new OnlineQueryService(
                state,
                executor,
                QueryLimits.DEFAULTS,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                values -> logged.add(values.deploymentId()));
    }

    private QueryAnswer query(Optional<String> branchName, long id) throws Exception {
        return service.query(
                        "qa",
                        branchName,
                        new OnlineQueryRequest(
                                Map.of("user.id", id), List.of("user.tag"), Map.of(), null, false, false, null, null),
                        false)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBranchServesOnlyRequestsNamingItAndNeverWritesBackOrLogs() throws Exception {
        QueryAnswer onBranch = query(Optional.of("exp"), 8);
        assertThat(onBranch.value(0, 0)).isEqualTo("branch-8");
        assertThat(onBranch.deployment().deploymentId()).isEqualTo("d-branch");
        assertThat(store.writeCalls()).as("a branch query writes nothing back").isZero();
        assertThat(logged).as("nor is it logged").isEmpty();

        QueryAnswer onMain = query(Optional.empty(), 7);
        assertThat(onMain.value(0, 0)).isEqualTo("main-7");
        assertThat(onMain.deployment().deploymentId()).isEqualTo("d-main");
        assertThat(store.writeCalls())
                .as("the main deployment writes computed values back")
                .isEqualTo(1);
        assertThat(logged).containsExactly("d-main");

        // installing or replacing a branch never changes what the environment serves
        state.installBranch(
                "exp", new ActiveDeployment("qa", "d-branch-2", 3, branch.graph(), Instant.EPOCH), Optional.empty());
        assertThat(state.snapshot("qa").orElseThrow().deployment().deploymentId())
                .isEqualTo("d-main");
        assertThat(state.branch("qa", "exp").orElseThrow().role()).isEmpty();
        assertThat(state.environmentOf(branch.graph()))
                .as("a branch uses its environment's secrets")
                .contains("qa");
    }

    @Test
    void anUnknownBranchIsUnknownBranchAndADeletedOneStopsServing() {
        assertThatThrownBy(() -> query(Optional.of("nope"), 1))
                .isInstanceOfSatisfying(
                        SlateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_BRANCH));
        state.removeBranch("qa", "exp");
        assertThatThrownBy(() -> query(Optional.of("exp"), 1))
                .isInstanceOfSatisfying(
                        SlateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_BRANCH));
        assertThat(state.branch("qa", "exp")).isEmpty();
    }
}
