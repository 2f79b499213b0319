package dev.slate.serving.engine.query;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.exec.FeatureError;
import dev.slate.serving.engine.exec.RelatedRowList;
import dev.slate.serving.engine.exec.RowResult;
import dev.slate.serving.engine.plan.PlannedOutput;
import dev.slate.serving.model.deploy.ActiveDeployment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to an online query: for each row (one unless bulk) a value per output, in output order.
 * Read it by index ({@link #value(int, int)}, ...), which allocates nothing: answers of bulk queries
 * hold thousands of values. {@link #rows()} builds {@link FeatureValue} objects for convenience.
 * Immutable once made.
 */
public final class QueryAnswer {

    private final String queryId;
    private final String environment;
    private final ActiveDeployment deployment;
    private final String planHash;
    private final List<PlannedOutput> outputs;
    private final List<RowResult> results;
    private final int featureErrors;
    private final Duration took;
    private final String explain;

    /**
     * @param outputs what each value position is (the plan's outputs)
     * @param results one per row, indexed by plan slot
     * @param explain the plan and what this request did, when asked for; else null
     */
    public QueryAnswer(
            String queryId,
            String environment,
            ActiveDeployment deployment,
            String planHash,
            List<PlannedOutput> outputs,
            List<RowResult> results,
            int featureErrors,
            Duration took,
            String explain) {
        this.queryId = requireNonNull(queryId, "queryId is null");
        this.environment = requireNonNull(environment, "environment is null");
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.planHash = requireNonNull(planHash, "planHash is null");
        this.outputs = List.copyOf(outputs);
        this.results = List.copyOf(results);
        this.featureErrors = featureErrors;
        this.took = requireNonNull(took, "took is null");
        this.explain = explain;
    }

    public String queryId() {
        return queryId;
    }

    public String environment() {
        return environment;
    }

    public ActiveDeployment deployment() {
        return deployment;
    }

    public String planHash() {
        return planHash;
    }

    public Duration took() {
        return took;
    }

    /** The plan and what this request did, when the query asked for it; else null. */
    public String explain() {
        return explain;
    }

    /** What the value at each output position is. */
    public List<PlannedOutput> outputs() {
        return outputs;
    }

    public int rowCount() {
        return results.size();
    }

    /** How many values of the whole answer are errors. */
    public int featureErrors() {
        return featureErrors;
    }

    /** The value, or null when absent or failed. */
    public Object value(int row, int output) {
        RowResult r = results.get(row);
        int s = outputs.get(output).slot();
        return r.errors()[s] == null ? r.values()[s] : null;
    }

    /** The key of the output's entity in this row, when the query gave it; else null. */
    public Object pkey(int row, int output) {
        int k = outputs.get(output).keySlot();
        return k >= 0 ? results.get(row).values()[k] : null;
    }

    /** When the value was observed (store time for cache hits, query time otherwise), or null. */
    public Instant observedAt(int row, int output) {
        return results.get(row).observedAt()[outputs.get(output).slot()];
    }

    public boolean cacheHit(int row, int output) {
        return results.get(row).cacheHit()[outputs.get(output).slot()];
    }

    /** Why there is no value, or null. */
    public FeatureError error(int row, int output) {
        return results.get(row).errors()[outputs.get(output).slot()];
    }

    /**
     * A {@code has_many} listing that was cut at its relation's limit.
     *
     * @param row the row (0 unless bulk)
     * @param output the output position
     * @param limit the relation's limit: how many rows the listing holds
     */
    public record Truncation(int row, int output, int limit) {}

    /** The listings of this answer that were cut at their limit, by row then output; empty when none was. */
    public List<Truncation> truncations() {
        List<Truncation> out = List.of();
        for (int r = 0; r < results.size(); r++) {
            for (int o = 0; o < outputs.size(); o++) {
                if (value(r, o) instanceof RelatedRowList listing && listing.truncated()) {
                    if (out.isEmpty()) {
                        out = new ArrayList<>();
                    }
                    out.add(new Truncation(r, o, listing.limit()));
                }
            }
        }
        return out;
    }

    /** Every value as an object: one list per row, in output order. */
    public List<List<FeatureValue>> rows() {
        List<List<FeatureValue>> rows = new ArrayList<>(results.size());
        for (int r = 0; r < results.size(); r++) {
            List<FeatureValue> values = new ArrayList<>(outputs.size());
            for (int o = 0; o < outputs.size(); o++) {
                PlannedOutput out = outputs.get(o);
                values.add(new FeatureValue(
                        out.feature(),
                        value(r, o),
                        pkey(r, o),
                        observedAt(r, o),
                        out.producedBy(),
                        cacheHit(r, o),
                        error(r, o)));
            }
            rows.add(values);
        }
        return rows;
    }
}
