package dev.slate.serving.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.engine.plan.Plan;
import dev.slate.serving.engine.plan.PlanStep;
import dev.slate.serving.engine.plan.Planner;
import dev.slate.serving.engine.plan.QueryShape;
import dev.slate.serving.model.ExampleProjects;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.RelationListings;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.storage.testing.InMemoryOnlineStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code user.transactions} of the fraud example as an output: the related rows newest first, cut at the relation's
 * limit (100), the cut marked on the value. The runner is a table of transactions that answers {@code runRows} as the
 * PostgreSQL runner's statement does (time at or before {@code until}, newest first, at most {@code limit}).
 */
class RelationListingTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final FeatureId USER_ID = new FeatureId("user", "id");
    private static FeatureGraph graph;

    @BeforeAll
    static void compile() throws Exception {
        graph = ProjectCompiler.compile(ExampleProjects.fraud());
    }

    /** The transactions table: rows of columns id, user_id, amount, merchant, ts. */
    private static class TransactionsTable implements ResolverRunner {
        final List<Map<String, Object>> rows = new ArrayList<>();
        final List<RowsQuery> queries = new CopyOnWriteArrayList<>();

        void add(long id, long user, double amount, Instant ts) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", id);
            r.put("user_id", user);
            r.put("amount", amount);
            r.put("merchant", "m" + id);
            r.put("ts", ts);
            rows.add(r);
        }

        @Override
        public CompletionStage<Map<String, Object>> run(FeatureGraph g, ResolverNode resolver, Object[] parameters) {
            return CompletableFuture.failedFuture(new ResolverFailure("not used"));
        }

        @Override
        public CompletionStage<List<Map<String, Object>>> runRows(
                FeatureGraph g, ResolverNode resolver, RowsQuery query, Object[] parameters) {
            queries.add(query);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> r : rows) {
                Instant ts = (Instant) r.get(query.timeColumn());
                if (r.get("user_id").equals(parameters[0])
                        && ts != null
                        && !ts.isAfter(query.until())
                        && query.after().map(ts::isAfter).orElse(true)) {
                    out.add(r);
                }
            }
            out.sort(Comparator.comparing((Map<String, Object> r) -> (Instant) r.get(query.timeColumn()))
                    .reversed());
            return CompletableFuture.completedFuture(
                    query.limit() > 0 && out.size() > query.limit() ? out.subList(0, query.limit()) : out);
        }
    }

    private static FeatureId id(String qualified) {
        int dot = qualified.indexOf('.');
        return new FeatureId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    private static Object listing(TransactionsTable table, String output, Object userId) throws Exception {
        Plan plan = new Planner(graph).plan(QueryShape.of(Set.of(USER_ID), List.of(id(output)), Map.of()));
        PlanExecutor executor =
                new PlanExecutor(new InMemoryOnlineStore(), table, QueryObserver.NONE, Duration.ofMillis(200));
        RowResult row = executor.execute(graph, "env", plan, List.<Object[]>of(new Object[] {userId}), NOW)
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS)
                .getFirst();
        int slot = plan.outputSlots()[0];
        assertThat(row.errors()[slot]).isNull();
        return row.values()[slot];
    }

    @Test
    void theListingHoldsTheRowsOfTheUserNewestFirstAndNothingAfterNow() throws Exception {
        TransactionsTable table = new TransactionsTable();
        table.add(1, 7, 10.0, NOW.minusSeconds(300));
        table.add(2, 7, 20.0, NOW.minusSeconds(100));
        table.add(3, 7, 30.0, NOW); // at the query time: listed
        table.add(4, 7, 40.0, NOW.plusSeconds(1)); // after it: not
        table.add(5, 8, 50.0, NOW.minusSeconds(10)); // another user's
        Object value = listing(table, "user.transactions", 7L);
        assertThat(value).isInstanceOf(RelatedRowList.class);
        RelatedRowList list = (RelatedRowList) value;
        assertThat(list.truncated()).isFalse();
        assertThat(list.limit()).isEqualTo(100);
        assertThat(list).extracting(r -> r.get("id")).containsExactly(3L, 2L, 1L);
        assertThat(list.getFirst())
                .containsOnlyKeys("id", "user_id", "amount", "merchant", "ts")
                .containsEntry("amount", 30.0)
                .containsEntry("ts", NOW)
                .containsEntry("merchant", "m3");
        assertThat(table.queries).singleElement().satisfies(q -> {
            assertThat(q.timeColumn()).isEqualTo("ts");
            assertThat(q.after()).isEmpty();
            assertThat(q.until()).isEqualTo(NOW);
            assertThat(q.limit()).isEqualTo(101); // one over the limit tells a cut
        });
    }

    @Test
    void moreRowsThanTheLimitAreCutAfterTheNewestAndMarked() throws Exception {
        TransactionsTable table = new TransactionsTable();
        for (int i = 0; i < 150; i++) {
            table.add(i, 7, i, NOW.minusSeconds(1000 - i)); // id 149 is the newest
        }
        RelatedRowList list = (RelatedRowList) listing(table, "user.transactions", 7L);
        assertThat(list).hasSize(100);
        assertThat(list.truncated()).isTrue();
        assertThat(list.getFirst().get("id")).isEqualTo(149L);
        assertThat(list.getLast().get("id")).isEqualTo(50L);

        TransactionsTable exactly = new TransactionsTable();
        for (int i = 0; i < 100; i++) {
            exactly.add(i, 7, i, NOW.minusSeconds(1000 - i));
        }
        RelatedRowList full = (RelatedRowList) listing(exactly, "user.transactions", 7L);
        assertThat(full).hasSize(100);
        assertThat(full.truncated()).as("exactly the limit is no cut").isFalse();
    }

    @Test
    void aSelectionListsOnlyTheNamedFieldsInItsOrder() throws Exception {
        TransactionsTable table = new TransactionsTable();
        table.add(1, 7, 12.5, NOW.minusSeconds(5));
        RelatedRowList list = (RelatedRowList) listing(table, "user.transactions{ts, amount}", 7L);
        assertThat(list)
                .singleElement()
                .satisfies(r -> assertThat(new ArrayList<>(r.keySet())).containsExactly("ts", "amount"));
        assertThat(list.getFirst().get("amount")).isEqualTo(12.5);
    }

    @Test
    void aUserWithoutRowsGetsAnEmptyList() throws Exception {
        TransactionsTable table = new TransactionsTable();
        table.add(1, 8, 1.0, NOW.minusSeconds(5));
        assertThat((List<?>) listing(table, "user.transactions", 7L)).isEmpty();
    }

    @Test
    void aFailingRunnerIsAPerFeatureError() throws Exception {
        TransactionsTable failing = new TransactionsTable() {
            @Override
            public CompletionStage<List<Map<String, Object>>> runRows(
                    FeatureGraph g, ResolverNode resolver, RowsQuery query, Object[] parameters) {
                return CompletableFuture.failedFuture(new ResolverFailure("connection refused"));
            }
        };
        Plan plan = new Planner(graph)
                .plan(QueryShape.of(Set.of(USER_ID), List.of(id("user.transactions"), id("user.email")), Map.of()));
        PlanExecutor executor =
                new PlanExecutor(new InMemoryOnlineStore(), failing, QueryObserver.NONE, Duration.ofMillis(200));
        RowResult row = executor.execute(graph, "env", plan, List.<Object[]>of(new Object[] {7L}), NOW)
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS)
                .getFirst();
        FeatureError e = row.errors()[plan.outputSlots()[0]];
        assertThat(e.code()).isEqualTo(ErrorCode.RESOLVER_FAILED);
        assertThat(e.message()).contains("transactions_of_user", "connection refused");
    }

    @Test
    void theListingIsNeverCachedAndSelectionsAreCheckedAgainstTheRowsResolver() throws Exception {
        var node = graph.feature(id("user.transactions")).orElseThrow();
        assertThat(node.producer()).isInstanceOf(Producer.Listed.class);
        assertThat(node.cacheable()).isFalse();
        Plan plan = new Planner(graph).plan(QueryShape.of(Set.of(USER_ID), List.of(id("user.transactions")), Map.of()));
        assertThat(plan.steps()).singleElement().isInstanceOf(PlanStep.ListRows.class);
        assertThat(plan.storeReads()).isEmpty();
        assertThat(plan.features()).noneMatch(f -> f.writeBack());

        assertThat(graph.feature(id("user.transactions{amount,nope}"))).isEmpty();
        assertThat(graph.feature(id("user.transactions{amount,amount}"))).isEmpty();
        assertThat(graph.feature(id("user.transactions{}"))).isEmpty();
        assertThat(RelationListings.problem(graph, id("user.transactions{nope}")))
                .get()
                .asString()
                .contains("id, user_id, amount, merchant, ts");
        assertThat(graph.feature(id("transaction.user")))
                .as("a has_one relation is no listing")
                .isEmpty();
    }
}
