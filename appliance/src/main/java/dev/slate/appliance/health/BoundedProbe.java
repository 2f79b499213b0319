package dev.slate.appliance.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One dependency check with a time bound of its own. The call must be non-blocking (it returns a
 * stage). A probe that does not answer within the bound is reported DOWN ("no answer within 500 ms")
 * while the call itself keeps waiting: later probes join it instead of starting another, so a frozen
 * dependency holds at most one outstanding probe, not one per health request. A call that has not
 * answered for {@link #ABANDON_AFTER_TIMEOUTS} bounds is abandoned and the next probe starts afresh (a
 * connection that died silently must not keep the check DOWN after the dependency is back).
 */
public final class BoundedProbe {

    static final int ABANDON_AFTER_TIMEOUTS = 20;

    private final String dependency;
    private final Supplier<? extends CompletionStage<?>> call;
    private final Duration timeout;
    private final AtomicReference<InFlight> inFlight = new AtomicReference<>();
    private volatile ProbeResult last;

    private record InFlight(CompletableFuture<Void> result, long startedNanos) {}

    /**
     * @param dependency the name health checks and metrics show ({@code metadata-database}, {@code online-store})
     * @param call starts one check; completes normally when the dependency answered
     */
    public BoundedProbe(String dependency, Supplier<? extends CompletionStage<?>> call, Duration timeout) {
        this.dependency = requireNonNull(dependency, "dependency is null");
        this.call = requireNonNull(call, "call is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    public String dependency() {
        return dependency;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The last result, if the dependency was probed yet. */
    public Optional<ProbeResult> last() {
        return Optional.ofNullable(last);
    }

    /** Probes the dependency; always completes, within about the time bound, never exceptionally. */
    public CompletionStage<ProbeResult> probe() {
        long start = System.nanoTime();
        CompletableFuture<Void> running = join(start);
        return running.copy().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).handle((v, failure) -> {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            ProbeResult r = failure == null
                    ? new ProbeResult(dependency, true, took, Optional.empty(), Instant.now())
                    : new ProbeResult(dependency, false, took, Optional.of(describe(unwrap(failure))), Instant.now());
            last = r;
            return r;
        });
    }

    private CompletableFuture<Void> join(long now) {
        while (true) {
            InFlight current = inFlight.get();
            if (current != null
                    && !current.result().isDone()
                    && now - current.startedNanos() < timeout.toNanos() * ABANDON_AFTER_TIMEOUTS) {
                return current.result();
            }
            InFlight next = new InFlight(new CompletableFuture<>(), now);
            if (inFlight.compareAndSet(current, next)) {
                try {
                    call.get().whenComplete((v, failure) -> {
                        if (failure != null) {
                            next.result().completeExceptionally(failure);
                        } else {
                            next.result().complete(null);
                        }
                    });
                } catch (RuntimeException e) {
                    next.result().completeExceptionally(e);
                }
                return next.result();
            }
        }
    }

    private String describe(Throwable t) {
        if (t instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        message = message.strip();
        int nl = message.indexOf('\n');
        if (nl >= 0) {
            message = message.substring(0, nl);
        }
        return t.getClass().getSimpleName() + ": "
                + (message.length() > 200 ? message.substring(0, 197) + "..." : message);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
