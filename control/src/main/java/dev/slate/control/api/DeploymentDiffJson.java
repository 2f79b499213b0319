package dev.slate.control.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.slate.control.diff.DeploymentDiff;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** {@code GET /v1/deployments/{from}/diff/{to}} on the wire (docs/deployments.md, "Diff"). */
@JsonPropertyOrder({"environment", "from", "to", "features", "resolvers"})
public record DeploymentDiffJson(
        String environment, String from, String to, List<ChangeJson> features, List<ChangeJson> resolvers) {

    @JsonPropertyOrder({"name", "change", "details"})
    public record ChangeJson(String name, String change, List<String> details) {}

    static DeploymentDiffJson of(String environment, UUID from, UUID to, DeploymentDiff diff) {
        return new DeploymentDiffJson(
                environment, from.toString(), to.toString(), changes(diff.features()), changes(diff.resolvers()));
    }

    private static List<ChangeJson> changes(List<DeploymentDiff.Change> changes) {
        return changes.stream()
                .map(c -> new ChangeJson(c.name(), c.kind().name().toLowerCase(Locale.ROOT), c.details()))
                .toList();
    }
}
