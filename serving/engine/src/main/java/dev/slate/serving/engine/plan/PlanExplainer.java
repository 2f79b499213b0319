package dev.slate.serving.engine.plan;

import dev.slate.serving.model.graph.Producer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The readable text of a plan ({@code explain: true}, {@link Plan#hash()} is a hash of it). It must be
 * deterministic: the same graph and query shape give the same text on every JVM, whatever the default
 * locale; golden files pin it ({@code FraudPlanGoldenTest}). Everything it lists comes in plan order
 * (slots, steps), which the planner derives from the shape alone, never from hash iteration order.
 */
final class PlanExplainer {

    private static final Pattern LINE_BREAK = Pattern.compile("\\s*\\R\\s*");

    private PlanExplainer() {}

    static String explain(Plan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("plan ").append(plan.hash()).append('\n');
        sb.append("  inputs:  ").append(names(plan, plan.inputSlots())).append('\n');
        sb.append("  outputs: ").append(names(plan, plan.outputSlots())).append('\n');
        if (!plan.shape().staleness().isEmpty()) {
            sb.append("  staleness overrides: ")
                    .append(plan.shape().staleness().entrySet().stream()
                            .map(e -> e.getKey() + "=" + format(Optional.of(e.getValue())))
                            .collect(Collectors.joining(", ")))
                    .append('\n');
        }
        if (plan.storeReads().isEmpty()) {
            sb.append("1. online store: nothing to read\n");
        } else {
            sb.append("1. online store read, one round trip:\n");
            for (StoreReadGroup g : plan.storeReads()) {
                sb.append("     ")
                        .append(g.entity())
                        .append(" by ")
                        .append(plan.features().get(g.keySlot()).node().id())
                        .append(": ");
                sb.append(Arrays.stream(g.slots())
                                .mapToObj(s -> {
                                    PlannedFeature f = plan.features().get(s);
                                    return f.node().id().name() + " ("
                                            + (f.origin() == PlannedFeature.Origin.STORE ? "ingested, " : "") + "fresh "
                                            + format(f.staleness()) + ")";
                                })
                                .collect(Collectors.joining(", ")))
                        .append('\n');
            }
        }
        if (plan.steps().isEmpty()) {
            sb.append("2. steps: none\n");
        } else {
            sb.append("2. steps for what the store does not have fresh (independent steps run concurrently):\n");
            int i = 0;
            for (PlanStep step : plan.steps()) {
                sb.append("     ").append(i < 10 ? " " : "").append(i).append(". ");
                i++;
                switch (step) {
                    case PlanStep.Resolve r ->
                        sb.append("resolve ")
                                .append(r.resolver().name())
                                .append(r.resolver()
                                        .http()
                                        .map(h -> " over HTTP " + h.method() + " "
                                                + oneLine(h.url().text()))
                                        .orElse(" on " + r.resolver().source()))
                                .append(" (timeout ")
                                .append(format(Optional.of(r.resolver().timeout())))
                                .append(")")
                                .append(" with ")
                                .append(names(plan, r.inputSlots()))
                                .append(" -> ")
                                .append(names(plan, r.outputSlots()));
                    case PlanStep.Compute c ->
                        sb.append("compute ")
                                .append(plan.features()
                                        .get(c.outputSlot())
                                        .node()
                                        .id())
                                .append(" = ")
                                .append(oneLine(c.expression().text()))
                                .append(c.inputSlots().length == 0 ? "" : " with " + names(plan, c.inputSlots()));
                    case PlanStep.Follow f -> {
                        sb.append("follow ")
                                .append(f.relation().id())
                                .append(" (")
                                .append(f.relation().kind().spelling())
                                .append(f.relation().required() ? ", required" : "")
                                .append(") with ")
                                .append(names(plan, f.inputSlots()))
                                .append(" -> ")
                                .append(names(plan, f.outputSlots()))
                                .append(", planned as:\n");
                        String nested = explain(f.related());
                        for (String line : nested.split("\n")) {
                            sb.append("         | ").append(line).append('\n');
                        }
                        sb.setLength(sb.length() - 1);
                    }
                    case PlanStep.ListRows l ->
                        sb.append("list ")
                                .append(l.relation().id())
                                .append(" (has_many): rows of ")
                                .append(l.rows().name())
                                .append(" on ")
                                .append(l.rows().source())
                                .append(" (timeout ")
                                .append(format(Optional.of(l.rows().timeout())))
                                .append(") with ")
                                .append(names(plan, l.inputSlots()))
                                .append(", pushed down: ")
                                .append(l.time())
                                .append(" <= now, newest first, at most ")
                                .append(l.relation().limit())
                                .append(" -> ")
                                .append(plan.features()
                                        .get(l.outputSlot())
                                        .node()
                                        .id())
                                .append(" {")
                                .append(l.fields().stream().map(f -> f.name()).collect(Collectors.joining(", ")))
                                .append('}');
                    case PlanStep.MaterializedAggregate m -> {
                        Duration longest = m.windows().stream()
                                .map(w -> w.window())
                                .max(Duration::compareTo)
                                .orElseThrow();
                        Duration bucket =
                                m.windows().getFirst().aggregation().bucket().orElseThrow();
                        sb.append("aggregate buckets over ")
                                .append(m.relation().id())
                                .append(" (materialized, bucket ")
                                .append(format(Optional.of(bucket)))
                                .append(", epoch-aligned): one read of the buckets of ")
                                .append(names(plan, m.inputSlots()))
                                .append(" for ")
                                .append(m.time())
                                .append(" in [start of bucket(now) - ")
                                .append(format(Optional.of(longest.minus(bucket))))
                                .append(", end of bucket(now)) -> ");
                        windowList(sb, plan, m.windows(), m.outputSlots());
                        sb.append(m.fallback()
                                .map(f -> "; falls back to pushdown (rows of "
                                        + f.rows().name()
                                        + ") when the buckets are not backfilled back to the window's start")
                                .orElse("; no rows resolver: always from the buckets"));
                    }
                    case PlanStep.Aggregate a -> {
                        Duration longest = a.windows().stream()
                                .map(w -> w.window())
                                .max(Duration::compareTo)
                                .orElseThrow();
                        sb.append("aggregate over ")
                                .append(a.relation().id())
                                .append(": rows of ")
                                .append(a.rows().name())
                                .append(" on ")
                                .append(a.rows().source())
                                .append(" (timeout ")
                                .append(format(Optional.of(a.rows().timeout())))
                                .append(") with ")
                                .append(names(plan, a.inputSlots()))
                                .append(", pushed down: ")
                                .append(a.time())
                                .append(" in (now - ")
                                .append(format(Optional.of(longest)))
                                .append(", now] -> ");
                        windowList(sb, plan, a.windows(), a.outputSlots());
                    }
                }
                sb.append('\n');
            }
        }
        String writes = plan.features().stream()
                .filter(PlannedFeature::writeBack)
                .map(f -> f.node().id().toString())
                .collect(Collectors.joining(", "));
        sb.append("3. write back to the online store (async): ")
                .append(writes.isEmpty() ? "nothing" : writes)
                .append('\n');
        return sb.toString();
    }

    private static void windowList(StringBuilder sb, Plan plan, List<Producer.Aggregated> windows, int[] outputSlots) {
        for (int w = 0; w < windows.size(); w++) {
            var agg = windows.get(w).aggregation();
            sb.append(w == 0 ? "" : ", ")
                    .append(plan.features().get(outputSlots[w]).node().id())
                    .append(" = ")
                    .append(agg.function().spelling())
                    .append(agg.of().map(o -> "(" + o + ")").orElse(""))
                    .append(agg.where().map(e -> " where " + oneLine(e.text())).orElse(""));
        }
    }

    /** An expression as one line: a multi-line YAML block would otherwise break the step list apart. */
    static String oneLine(String text) {
        return LINE_BREAK.matcher(text.strip()).replaceAll(" ");
    }

    private static String names(Plan plan, int[] slots) {
        return Arrays.stream(slots)
                .mapToObj(s -> plan.features().get(s).node().id().toString())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    static String format(Optional<Duration> d) {
        if (d.isEmpty()) {
            return "forever";
        }
        Duration v = d.get();
        if (v.isZero()) {
            return "0s";
        }
        long ms = v.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
