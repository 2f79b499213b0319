package dev.slate.serving.engine.exec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Gathers the resolver calls of one bulk query's rows and runs each resolver once for all of them
 * (docs/specs/resolver-batching.md). While the batcher is {@linkplain #hold() held}, {@link #run} only queues
 * a call; the last {@link #release()} sends what was queued, one {@link ResolverRunner#runBatch} per resolver
 * (or a plain {@link ResolverRunner#run} for a resolver called by one row). The executor holds the batcher
 * while it starts every row's steps, and again while it hands a batch's answers to the rows: steps that were
 * waiting for those answers start then, for every row, and are batched in turn.
 *
 * <p>Holds nest and may be taken on any thread; a call queued under another thread's hold is sent when that
 * hold ends.
 */
final class ResolverBatcher {

    private record Call(Object[] parameters, CompletableFuture<Map<String, Object>> answer) {}

    private final ResolverRunner runner;
    private final FeatureGraph graph;
    private int holds;
    private Map<ResolverNode, List<Call>> queued = new IdentityHashMap<>();

    ResolverBatcher(ResolverRunner runner, FeatureGraph graph) {
        this.runner = requireNonNull(runner, "runner is null");
        this.graph = requireNonNull(graph, "graph is null");
    }

    /** Runs the resolver for one row: at once, or queued while the batcher is held. */
    CompletableFuture<Map<String, Object>> run(ResolverNode resolver, Object[] parameters) {
        synchronized (this) {
            if (holds > 0) {
                Call call = new Call(parameters, new CompletableFuture<>());
                queued.computeIfAbsent(resolver, r -> new ArrayList<>()).add(call);
                return call.answer();
            }
        }
        return runOne(resolver, parameters);
    }

    synchronized void hold() {
        holds++;
    }

    /** Ends a hold; the last one sends what was queued. */
    void release() {
        Map<ResolverNode, List<Call>> send;
        synchronized (this) {
            if (--holds > 0 || queued.isEmpty()) {
                return;
            }
            send = queued;
            queued = new IdentityHashMap<>();
        }
        for (Map.Entry<ResolverNode, List<Call>> e : send.entrySet()) {
            List<Call> calls = e.getValue();
            if (calls.size() == 1) {
                Call only = calls.getFirst();
                runOne(e.getKey(), only.parameters())
                        .whenComplete((columns, failure) -> complete(only, columns, failure));
            } else {
                runBatch(e.getKey(), calls);
            }
        }
    }

    private CompletableFuture<Map<String, Object>> runOne(ResolverNode resolver, Object[] parameters) {
        try {
            return runner.run(graph, resolver, parameters).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void runBatch(ResolverNode resolver, List<Call> calls) {
        List<Object[]> rows = new ArrayList<>(calls.size());
        for (Call c : calls) {
            rows.add(c.parameters());
        }
        CompletableFuture<List<BatchedAnswer>> batch;
        try {
            batch = runner.runBatch(graph, resolver, rows).toCompletableFuture();
        } catch (RuntimeException e) {
            batch = CompletableFuture.failedFuture(e);
        }
        batch.whenComplete((answers, failure) -> {
            hold();
            try {
                for (int i = 0; i < calls.size(); i++) {
                    Call call = calls.get(i);
                    if (failure != null) {
                        call.answer().completeExceptionally(unwrap(failure));
                    } else if (answers.size() != calls.size()) {
                        call.answer()
                                .completeExceptionally(new IllegalStateException(
                                        "the runner answered " + answers.size() + " rows for " + calls.size()));
                    } else {
                        switch (answers.get(i)) {
                            case BatchedAnswer.Found found -> call.answer().complete(found.columns());
                            case BatchedAnswer.Failed failed -> call.answer().completeExceptionally(failed.cause());
                        }
                    }
                }
            } finally {
                release();
            }
        });
    }

    private void complete(Call call, Map<String, Object> columns, Throwable failure) {
        if (failure != null) {
            call.answer().completeExceptionally(unwrap(failure));
        } else {
            call.answer().complete(columns);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
