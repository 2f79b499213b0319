package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.graph.HttpCall.Policy;
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
     * @param many {@code many: true}: the resolver lists the rows of a {@code has_many} relation (its parameters are
     *     the relation's foreign-key features); it produces no single feature
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
            SourceLocation location,
            boolean many)
            implements ResolverSpec {

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

        /** A resolver of single rows. */
        public Sql(
                String name,
                String source,
                SourceLocation sourceLocation,
                EmbeddedText sql,
                Optional<String> resolves,
                SourceLocation resolvesLocation,
                Optional<List<Named>> outputs,
                Optional<Duration> timeout,
                SourceLocation location) {
            this(name, source, sourceLocation, sql, resolves, resolvesLocation, outputs, timeout, location, false);
        }
    }

    /**
     * An HTTP resolver ({@code kind: http}): one request per entity row, its URL, headers and body
     * templates over features ({@code {{user.id}}}) and secret references ({@code ${secret:NAME}}),
     * its outputs JSON pointers into the answer. See docs/specs/project-format.md, "HTTP resolvers".
     *
     * @param url the URL template as written
     * @param headers header name to value template, in declaration order
     * @param body the JSON body template, when given
     * @param outputs feature (plain or {@code entity.feature}) to JSON pointer
     * @param policy timeout, retries, circuit breaker, concurrency and answer size, defaults applied
     */
    record Http(
            String name,
            String method,
            EmbeddedText url,
            List<Header> headers,
            Optional<EmbeddedText> body,
            Optional<String> resolves,
            SourceLocation resolvesLocation,
            List<PointerOutput> outputs,
            Policy policy,
            SourceLocation location)
            implements ResolverSpec {

        public Http {
            requireNonNull(name, "name is null");
            requireNonNull(method, "method is null");
            requireNonNull(url, "url is null");
            headers = List.copyOf(headers);
            requireNonNull(body, "body is null");
            requireNonNull(resolves, "resolves is null");
            requireNonNull(resolvesLocation, "resolvesLocation is null");
            outputs = List.copyOf(outputs);
            requireNonNull(policy, "policy is null");
            requireNonNull(location, "location is null");
        }

        /** A header and its value template. */
        public record Header(String name, EmbeddedText value) {
            public Header {
                requireNonNull(name, "name is null");
                requireNonNull(value, "value is null");
            }
        }

        /** An output: the feature it fills and the JSON pointer (RFC 6901) of its value in the answer. */
        public record PointerOutput(Named feature, String pointer) {
            public PointerOutput {
                requireNonNull(feature, "feature is null");
                requireNonNull(pointer, "pointer is null");
            }
        }
    }

    /**
     * A resolver of a kind the format accepts but this version does not run (e.g. {@code kind: http}).
     * Kept so that the features it would produce are not also reported as having no resolver.
     *
     * @param outputs the feature names it declares as outputs (plain or {@code entity.feature})
     */
    record Unsupported(
            String name, String kind, Optional<String> resolves, List<Named> outputs, SourceLocation location)
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
