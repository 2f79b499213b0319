package dev.slate.appliance.auth;

import dev.slate.auth.access.Withheld;
import dev.slate.serving.engine.exec.FeatureError;
import dev.slate.serving.engine.exec.RowResult;
import dev.slate.serving.engine.plan.PlannedOutput;
import dev.slate.serving.engine.query.QueryAnswer;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.error.ErrorCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rewrites an online query answer so that withheld outputs carry no value, no observation time and a
 * per-feature {@code UNAUTHORIZED} error instead. The message names the feature and the missing grant
 * only; why (the chain to the tagged input) goes to the audit log.
 */
final class WithheldAnswers {

    /** The rewritten answer and the outputs it withholds (in output order). */
    record Masked(QueryAnswer answer, List<Withheld> withheld) {}

    private WithheldAnswers() {}

    /** Empty when no output of the answer is withheld (the common case: nothing is allocated). */
    static Optional<Masked> mask(QueryAnswer answer, Map<FeatureId, Withheld> withheldFeatures) {
        List<PlannedOutput> outputs = answer.outputs();
        Withheld[] hidden = null;
        for (int o = 0; o < outputs.size(); o++) {
            Withheld w = withheldFeatures.get(outputs.get(o).feature());
            if (w != null) {
                if (hidden == null) {
                    hidden = new Withheld[outputs.size()];
                }
                hidden[o] = w;
            }
        }
        if (hidden == null) {
            return Optional.empty();
        }
        int slots = 0;
        for (PlannedOutput out : outputs) {
            slots = Math.max(slots, Math.max(out.slot(), out.keySlot()) + 1);
        }
        FeatureError[] errors = new FeatureError[outputs.size()];
        List<Withheld> withheld = new ArrayList<>();
        for (int o = 0; o < outputs.size(); o++) {
            if (hidden[o] != null) {
                errors[o] = new FeatureError(
                        ErrorCode.UNAUTHORIZED,
                        null,
                        "feature '" + outputs.get(o).name() + "' is withheld: it needs the '" + hidden[o].tag()
                                + "' grant");
                withheld.add(hidden[o]);
            }
        }
        List<RowResult> rows = new ArrayList<>(answer.rowCount());
        int failed = 0;
        for (int r = 0; r < answer.rowCount(); r++) {
            Object[] values = new Object[slots];
            FeatureError[] rowErrors = new FeatureError[slots];
            boolean[] cacheHit = new boolean[slots];
            Instant[] observedAt = new Instant[slots];
            for (int o = 0; o < outputs.size(); o++) {
                PlannedOutput out = outputs.get(o);
                if (out.keySlot() >= 0) {
                    values[out.keySlot()] = answer.pkey(r, o);
                }
            }
            for (int o = 0; o < outputs.size(); o++) {
                int s = outputs.get(o).slot();
                if (hidden[o] != null) {
                    continue;
                }
                values[s] = answer.value(r, o);
                rowErrors[s] = answer.error(r, o);
                cacheHit[s] = answer.cacheHit(r, o);
                observedAt[s] = answer.observedAt(r, o);
            }
            for (int o = 0; o < outputs.size(); o++) {
                int s = outputs.get(o).slot();
                if (hidden[o] != null) {
                    values[s] = null;
                    rowErrors[s] = errors[o];
                    cacheHit[s] = false;
                    observedAt[s] = null;
                }
            }
            for (int o = 0; o < outputs.size(); o++) {
                if (rowErrors[outputs.get(o).slot()] != null) {
                    failed++;
                }
            }
            rows.add(new RowResult(values, rowErrors, cacheHit, observedAt));
        }
        return Optional.of(new Masked(
                new QueryAnswer(
                        answer.queryId(),
                        answer.environment(),
                        answer.deployment(),
                        answer.planHash(),
                        outputs,
                        rows,
                        failed,
                        answer.took(),
                        answer.explain()),
                List.copyOf(withheld)));
    }
}
