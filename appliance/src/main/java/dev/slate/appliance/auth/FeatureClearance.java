package dev.slate.appliance.auth;

import dev.slate.auth.access.Withheld;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureGraph;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The restricted-tag rule for answers that cannot be masked per feature: an offline query's dataset is a
 * file, so a caller without the grant is refused the whole query (403 {@code UNAUTHORIZED}, one
 * {@code errors} entry per withheld output) when it names an output that is tagged, or computed from a
 * tagged feature through any chain of inputs ({@link WithheldFeatures}, the same rule as online answers).
 * The chains go to the audit log with the request (outcome {@code DENIED}), not into the answer.
 */
@ApplicationScoped
public class FeatureClearance {

    private final WithheldFeatures withheldFeatures;
    private final Instance<CurrentVertxRequest> request;
    private final Instance<AuditNote> notes;

    FeatureClearance(
            WithheldFeatures withheldFeatures, Instance<CurrentVertxRequest> request, Instance<AuditNote> notes) {
        this.withheldFeatures = withheldFeatures;
        this.request = request;
        this.notes = notes;
    }

    /**
     * Refuses the current request when the caller may not receive one of {@code outputs} of {@code graph}.
     * Names that are not features of the graph are left to the caller's own validation.
     *
     * @throws SlateException {@code UNAUTHORIZED} (403) listing the withheld outputs; also when the request
     *     did not pass the access filter (fail closed)
     */
    public void requireCleared(FeatureGraph graph, Collection<String> outputs) {
        ApiCall call = currentCall();
        if (call == null) {
            throw new SlateException(ErrorCode.UNAUTHORIZED, "the caller's permissions are unknown");
        }
        if (call.access().clearedForAllTags() || outputs == null || outputs.isEmpty()) {
            return;
        }
        Map<FeatureId, Withheld> withheld = withheldFeatures.of(
                graph, call.access().effective().featureTags().keySet());
        if (withheld.isEmpty()) {
            return;
        }
        Map<String, Withheld> refused = new LinkedHashMap<>();
        for (String name : new LinkedHashSet<>(outputs)) {
            if (name == null) {
                continue;
            }
            FeatureId.parse(name.strip()).map(withheld::get).ifPresent(w -> refused.putIfAbsent(w.feature(), w));
        }
        if (refused.isEmpty()) {
            return;
        }
        List<ErrorDetail> errors = new ArrayList<>();
        Set<String> tags = new LinkedHashSet<>();
        refused.values().forEach(w -> {
            tags.add(w.tag());
            errors.add(new ErrorDetail.Feature(
                    w.feature(),
                    ErrorCode.UNAUTHORIZED,
                    "feature '" + w.feature() + "' is withheld: it needs the '" + w.tag() + "' grant"));
        });
        note(
                String.join(",", refused.keySet()),
                refused.values().stream().map(Withheld::reason).collect(Collectors.joining("; ")));
        throw new SlateException(
                ErrorCode.UNAUTHORIZED,
                "the query names " + refused.size() + " output(s) withheld from this caller ("
                        + String.join(", ", refused.keySet()) + "): "
                        + (tags.size() == 1
                                ? "the '" + tags.iterator().next() + "' grant is"
                                : "the grants "
                                        + tags.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))
                                        + " are")
                        + " needed; leave them out or ask an administrator for the grant",
                errors);
    }

    private ApiCall currentCall() {
        try {
            RoutingContext rc = request.get().getCurrent();
            return rc == null ? null : rc.get(ApiCall.PROPERTY);
        } catch (RuntimeException e) {
            return null; // no request
        }
    }

    private void note(String target, String reasons) {
        try {
            AuditNote note = notes.get();
            note.target(target);
            note.reason(reasons);
        } catch (RuntimeException e) {
            // no request context: nothing to note
        }
    }
}
