package dev.slate.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.model.SourceLocation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A resolver as declared: under {@code resolvers} in YAML, or as a {@code .sql} file with comment headers. */
public sealed interface ResolverSpec {

    String name();

    SourceLocation location();

    /**
     * A SQL resolver.
     *
     * @param resolves the entity named by {@code resolves}, when given
     * @param outputs an explicit list of output columns, when given (otherwise the SELECT list)
     * @param timeout when given
     */
    record Sql(
            String name,
            String source,
            SourceLocation sourceLocation,
            EmbeddedText sql,
            Optional<String> resolves,
            SourceLocation resolvesLocation,
            Optional<List<Named>> outputs,
            Optional<Duration> timeout,
            SourceLocation location) implements ResolverSpec {

        public Sql {
            requireNonNull(name, "name is null");
            requireNonNull(source, "source is null");
            requireNonNull(sourceLocation, "sourceLocation is null");
            requireNonNull(sql, "sql is null");
            requireNonNull(resolves, "resolves is null");
            requireNonNull(resolvesLocation, "resolvesLocation is null");
            outputs = outputs.map(List::copyOf);
            requireNonNull(timeout, "timeout is null");
            requireNonNull(location, "location is null");
        }
    }

    /**
     * A resolver of a kind the format accepts but this version does not run (e.g. {@code kind: http}).
     * Kept so that the features it would produce are not also reported as having no resolver.
     *
     * @param outputs the feature names it declares as outputs (plain or {@code entity.feature})
     */
    record Unsupported(String name, String kind, Optional<String> resolves, List<Named> outputs, SourceLocation location)
            implements ResolverSpec {
        public Unsupported {
            requireNonNull(name, "name is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(resolves, "resolves is null");
            outputs = List.copyOf(outputs);
            requireNonNull(location, "location is null");
        }
    }

    /** A name with where it is written. */
    record Named(String name, SourceLocation location) {
        public Named {
            requireNonNull(name, "name is null");
            requireNonNull(location, "location is null");
        }
    }
}
