package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.SourceLocation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A named query as declared under {@code named_queries}: a query shape (inputs, outputs, staleness
 * overrides) that clients call by name ({@code query_name}) instead of listing outputs.
 *
 * @param version a whole number from 1; several versions of one name may be declared
 * @param staleness per feature (as written) the staleness bound the query applies
 */
public record NamedQuerySpec(
        String name,
        int version,
        List<ResolverSpec.Named> inputs,
        List<ResolverSpec.Named> outputs,
        Map<ResolverSpec.Named, Duration> staleness,
        Optional<String> owner,
        Set<String> tags,
        Optional<String> description,
        SourceLocation location) {

    public NamedQuerySpec {
        requireNonNull(name, "name is null");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        staleness = Map.copyOf(staleness);
        requireNonNull(owner, "owner is null");
        tags = Set.copyOf(tags);
        requireNonNull(description, "description is null");
        requireNonNull(location, "location is null");
    }
}
