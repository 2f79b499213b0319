package dev.slate.serving.model.graph;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The request an HTTP resolver sends for one entity row, bound against the graph: templates whose
 * placeholders are the resolver's parameters (by index into {@link ResolverNode#parameters()}) and
 * secret references (resolved where the request is sent, never here), and the resolver's policy.
 * The outputs are {@link ResolverNode#outputs()}, whose {@code column} is a JSON pointer.
 *
 * @param method upper-case HTTP method
 * @param url the URL: parameter values are percent-encoded into it
 * @param headers in declaration order: parameter values are inserted as text (a line break fails the run)
 * @param body the JSON body: each parameter placeholder stands for one JSON value (a string is quoted and escaped)
 */
public record HttpCall(String method, Template url, List<Header> headers, Optional<Template> body, Policy policy) {

    /** Methods that may be retried without being declared idempotent (RFC 9110 §9.2.2). */
    public static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

    public HttpCall {
        requireNonNull(method, "method is null");
        requireNonNull(url, "url is null");
        headers = List.copyOf(headers);
        requireNonNull(body, "body is null");
        requireNonNull(policy, "policy is null");
    }

    /** True when a failed attempt may be sent again: an idempotent method, or one the project declares idempotent. */
    public boolean retryable() {
        return IDEMPOTENT_METHODS.contains(method) || policy.idempotent();
    }

    /** Template text cut into literal text, parameter placeholders and secret references. */
    public record Template(String text, List<Part> parts) {
        public Template {
            requireNonNull(text, "text is null");
            parts = List.copyOf(parts);
        }

        /** True when the template holds a secret or environment reference. */
        public boolean hasSecret() {
            return parts.stream().anyMatch(p -> p instanceof Part.Secret);
        }
    }

    /** A piece of a template. */
    public sealed interface Part {
        /** Text sent as written. */
        record Literal(String text) implements Part {
            public Literal {
                requireNonNull(text, "text is null");
            }
        }

        /** The value of parameter {@code index} of the resolver. */
        record Parameter(int index) implements Part {}

        /** A {@code ${secret:NAME}} or {@code ${env:NAME}} reference as written. */
        record Secret(String reference) implements Part {
            public Secret {
                requireNonNull(reference, "reference is null");
            }
        }
    }

    /** A request header. */
    public record Header(String name, Template value) {
        public Header {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
        }
    }

    /**
     * How the resolver's requests are sent (defaults in {@link #DEFAULT}).
     *
     * @param timeout the whole run, retries included
     * @param retries extra attempts after a failed one (connection error, 5xx, 429); only for {@link #retryable()} calls
     * @param idempotent the project declares the method idempotent (e.g. a POST lookup), so it may be retried
     * @param breakerFailures consecutive failed runs that open the circuit breaker
     * @param breakerCoolDown how long the open breaker refuses runs before one probe is let through
     * @param maxConcurrency requests in flight at once
     * @param maxQueue runs that may wait for a free slot; more are refused at once
     * @param maxResponseBytes largest answer body read; a larger one fails the run
     */
    public record Policy(
            Duration timeout,
            int retries,
            boolean idempotent,
            int breakerFailures,
            Duration breakerCoolDown,
            int maxConcurrency,
            int maxQueue,
            long maxResponseBytes) {

        public static final Policy DEFAULT =
                new Policy(Duration.ofSeconds(1), 2, false, 5, Duration.ofSeconds(30), 32, 256, 1 << 20);

        public Policy {
            requireNonNull(timeout, "timeout is null");
            requireNonNull(breakerCoolDown, "breakerCoolDown is null");
            if (retries < 0 || breakerFailures < 1 || maxConcurrency < 1 || maxQueue < 0 || maxResponseBytes < 1) {
                throw new IllegalArgumentException("invalid HTTP policy " + retries + "/" + breakerFailures + "/"
                        + maxConcurrency + "/" + maxQueue);
            }
        }
    }
}
