package dev.slate.serving.source.http;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.source.SecretResolver;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.HttpCall;
import dev.slate.serving.model.graph.ResolverNode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Runs {@code kind: http} resolvers with the non-blocking Vert.x HTTP client (docs/specs/project-format.md,
 * "HTTP resolvers"). One request per run, rendered from the resolver's templates ({@link RequestRenderer});
 * outputs are read from the JSON answer by their pointers ({@link AnswerReader}).
 *
 * <p>Per resolver (by name and request definition, so that a redeployment of the same call keeps its state):
 * <ul>
 *   <li>the <b>timeout</b> covers the whole run, waiting for a slot and retries included: when it expires the
 *       stage fails with a {@link TimeoutException} and the request in flight is reset;</li>
 *   <li><b>retries</b>: a connection failure, a 5xx or a 429 is sent again (after 10 ms, 20 ms, 40 ms…, within
 *       the timeout) up to {@code retries} times, only for idempotent methods or a call declared idempotent;</li>
 *   <li>a <b>circuit breaker</b> ({@link CircuitBreaker}) counts runs that failed that way (after their retries)
 *       or timed out; while open, runs fail at once without a request;</li>
 *   <li>a <b>concurrency limit</b> ({@link ConcurrencyLimit}): {@code max_concurrency} requests in flight,
 *       {@code max_queue} runs waiting, and beyond that a run fails at once;</li>
 *   <li>an answer larger than {@code max_response_bytes} fails the run as soon as that many bytes arrived (or
 *       when its Content-Length says so), and the connection is closed: a huge answer is never held in memory.</li>
 * </ul>
 * Every failure is a {@link ResolverFailure} whose message holds the HTTP status when there was one, and never a
 * secret value (messages are scrubbed of every secret the request held) or the answer's body.
 */
public final class HttpResolverRunner implements ResolverRunner, AutoCloseable {

    /**
     * Client-wide settings; per-resolver limits come from the project.
     *
     * @param breakerClock the nanosecond clock circuit breakers measure their cool-down with
     */
    public record Settings(int maxConnectionsPerHost, Duration firstRetryDelay, LongSupplier breakerClock) {
        public static final Settings DEFAULT = new Settings(256, Duration.ofMillis(10), System::nanoTime);

        public Settings {
            requireNonNull(firstRetryDelay, "firstRetryDelay is null");
            requireNonNull(breakerClock, "breakerClock is null");
            if (maxConnectionsPerHost < 1) {
                throw new IllegalArgumentException("maxConnectionsPerHost must be at least 1");
            }
        }
    }

    private record Key(String resolver, HttpCall call) {}

    /** The breaker and the concurrency limit of one resolver. */
    private record Guard(CircuitBreaker breaker, ConcurrencyLimit limit) {}

    private final Vertx vertx;
    private final SecretResolver secrets;
    private final Settings settings;
    private final HttpClient client;
    private final Map<Key, Guard> guards = new ConcurrentHashMap<>();

    public HttpResolverRunner(Vertx vertx, SecretResolver secrets) {
        this(vertx, secrets, Settings.DEFAULT);
    }

    public HttpResolverRunner(Vertx vertx, SecretResolver secrets, Settings settings) {
        this.vertx = requireNonNull(vertx, "vertx is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTryUseCompression(false),
                new PoolOptions()
                        .setHttp1MaxSize(settings.maxConnectionsPerHost())
                        .setMaxWaitQueueSize(-1));
    }

    @Override
    public CompletionStage<Map<String, Object>> run(FeatureGraph graph, ResolverNode resolver, Object[] parameters) {
        Optional<HttpCall> http = resolver.http();
        if (http.isEmpty()) {
            return CompletableFuture.failedFuture(
                    new ResolverFailure("resolver " + resolver.name() + " is not an HTTP resolver"));
        }
        HttpCall call = http.get();
        Guard guard = guards.computeIfAbsent(
                new Key(resolver.name(), call),
                k -> new Guard(
                        new CircuitBreaker(
                                call.policy().breakerFailures(),
                                call.policy().breakerCoolDown(),
                                settings.breakerClock()),
                        new ConcurrencyLimit(
                                call.policy().maxConcurrency(), call.policy().maxQueue())));
        RequestRenderer.Rendered request;
        try {
            Optional<String> environment = secrets.environmentOf(graph);
            request = RequestRenderer.render(call, parameters, text -> secrets.resolve(environment, text));
        } catch (ResolverFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        CircuitBreaker.Admission admission = guard.breaker().admit();
        if (admission == CircuitBreaker.Admission.REJECT) {
            return CompletableFuture.failedFuture(
                    new ResolverFailure(guard.breaker().describe()));
        }
        Run run = new Run(resolver, call, request, guard, admission);
        run.armTimer();
        if (!guard.limit().enter(run::startIfWaiting)) {
            run.finish(
                    null,
                    new ResolverFailure("too many requests: " + call.policy().maxConcurrency() + " in flight and "
                            + call.policy().maxQueue() + " waiting"),
                    Outcome.REFUSED);
        }
        return run.result;
    }

    /** Whether the breaker is open for a resolver (for tests and health reporting). */
    public boolean breakerOpen(ResolverNode resolver) {
        Guard g = resolver.http()
                .map(c -> guards.get(new Key(resolver.name(), c)))
                .orElse(null);
        return g != null && g.breaker().isOpen();
    }

    @Override
    public void close() {
        client.close();
    }

    /** How a run ended, for the breaker. */
    private enum Outcome {
        /** The upstream answered (any status but 5xx and 429). */
        ANSWERED,
        /** No connection, no answer in time, a 5xx or a 429. */
        UPSTREAM_FAILED,
        /** Refused before a request was sent (queue full); says nothing about the upstream. */
        REFUSED
    }

    /** Thrown inside a run for an attempt that may be retried. */
    private static final class RetryableFailure extends RuntimeException {
        RetryableFailure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * One run: waits for a slot, sends attempts until one answers, reads the answer. Completes {@link #result}
     * exactly once; the first of answer, failure and timeout wins.
     */
    private final class Run {
        final CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
        private final ResolverNode resolver;
        private final HttpCall call;
        private final RequestRenderer.Rendered request;
        private final Guard guard;
        private final CircuitBreaker.Admission admission;
        private final long deadline;
        private long timerId = -1;
        private boolean holdsSlot;
        private HttpClientRequest current;
        private int attempts;
        private boolean finished;

        Run(
                ResolverNode resolver,
                HttpCall call,
                RequestRenderer.Rendered request,
                Guard guard,
                CircuitBreaker.Admission admission) {
            this.resolver = resolver;
            this.call = call;
            this.request = request;
            this.guard = guard;
            this.admission = admission;
            this.deadline = System.nanoTime() + call.policy().timeout().toNanos();
        }

        void armTimer() {
            long id = vertx.setTimer(Math.max(1, call.policy().timeout().toMillis()), t -> timedOut());
            synchronized (this) {
                timerId = id;
            }
            if (result.isDone()) {
                vertx.cancelTimer(id);
            }
        }

        /** Given a slot by the limit: false when the run has already ended (it timed out while waiting). */
        boolean startIfWaiting() {
            synchronized (this) {
                if (finished) {
                    return false;
                }
                holdsSlot = true;
            }
            attempt();
            return true;
        }

        private void attempt() {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                timedOut();
                return;
            }
            synchronized (this) {
                attempts++;
            }
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.valueOf(request.method()))
                    .setAbsoluteURI(request.url())
                    .setConnectTimeout(remainingMillis)
                    .setFollowRedirects(false);
            request.headers().forEach(options::putHeader);
            if (!request.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("accept"))) {
                options.putHeader(HttpHeaders.ACCEPT, "application/json");
            }
            if (request.body().isPresent()
                    && request.headers().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("content-type"))) {
                options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
            }
            try {
                client.request(options).onComplete(this::connected);
            } catch (RuntimeException e) { // e.g. a URL the client cannot parse
                finish(
                        null,
                        new ResolverFailure(
                                "the request cannot be sent: " + request.redact(String.valueOf(e.getMessage()))),
                        Outcome.REFUSED);
            }
        }

        private void connected(AsyncResult<HttpClientRequest> ar) {
            if (ar.failed()) {
                failedAttempt(new RetryableFailure(
                        "no connection to " + target() + ": " + request.redact(describe(ar.cause()))));
                return;
            }
            HttpClientRequest req = ar.result();
            synchronized (this) {
                if (finished) {
                    req.reset();
                    return;
                }
                current = req;
            }
            req.response().onComplete(this::answered);
            if (request.body().isPresent()) {
                req.end(Buffer.buffer(request.body().get()));
            } else {
                req.end();
            }
        }

        private void answered(AsyncResult<HttpClientResponse> ar) {
            if (ar.failed()) {
                failedAttempt(new RetryableFailure(
                        "no answer from " + target() + ": " + request.redact(describe(ar.cause()))));
                return;
            }
            HttpClientResponse response = ar.result();
            int status = response.statusCode();
            String statusText = "HTTP " + status
                    + (response.statusMessage() == null
                                    || response.statusMessage().isBlank()
                            ? ""
                            : " " + response.statusMessage());
            if (status >= 500 || status == 429) {
                response.end(); // drain and release the connection; the body is never shown
                failedAttempt(new RetryableFailure(statusText + " from " + target()));
                return;
            }
            if (status < 200 || status >= 300) {
                response.end();
                finish(null, new ResolverFailure(statusText + " from " + target()), Outcome.ANSWERED);
                return;
            }
            long max = call.policy().maxResponseBytes();
            String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && parseLong(length) > max) {
                tooLarge(response, statusText);
                return;
            }
            Buffer body = Buffer.buffer();
            response.handler(chunk -> {
                if (result.isDone()) {
                    return;
                }
                if (body.length() + chunk.length() > max) {
                    tooLarge(response, statusText);
                    return;
                }
                body.appendBuffer(chunk);
            });
            response.exceptionHandler(e -> failedAttempt(new RetryableFailure(
                    "the answer from " + target() + " broke off: " + request.redact(describe(e)))));
            response.endHandler(v -> {
                if (result.isDone()) {
                    return;
                }
                try {
                    finish(AnswerReader.read(resolver, status, body), null, Outcome.ANSWERED);
                } catch (ResolverFailure e) {
                    finish(null, e, Outcome.ANSWERED);
                } catch (RuntimeException e) {
                    finish(
                            null,
                            new ResolverFailure("HTTP " + status + " answer cannot be read: "
                                    + e.getClass().getSimpleName()),
                            Outcome.ANSWERED);
                }
            });
        }

        private void tooLarge(HttpClientResponse response, String statusText) {
            finish(
                    null,
                    new ResolverFailure(statusText + " answer from " + target() + " is larger than max_response_bytes ("
                            + call.policy().maxResponseBytes() + " bytes)"),
                    Outcome.ANSWERED);
            response.exceptionHandler(ignored -> {}); // the reset below is ours
            response.request().reset(); // stop reading: the connection is closed, the rest never arrives
        }

        private void failedAttempt(RetryableFailure failure) {
            int made;
            synchronized (this) {
                if (finished) {
                    return;
                }
                current = null;
                made = attempts;
            }
            if (call.retryable() && made <= call.policy().retries()) {
                long delay = settings.firstRetryDelay().toMillis() << Math.min(made - 1, 6);
                long remaining = (deadline - System.nanoTime()) / 1_000_000;
                if (delay < remaining) {
                    vertx.setTimer(Math.max(1, delay), t -> attempt());
                    return;
                }
            }
            finish(
                    null,
                    new ResolverFailure(failure.getMessage() + (made > 1 ? " (" + made + " attempts)" : "")),
                    Outcome.UPSTREAM_FAILED);
        }

        private void timedOut() {
            HttpClientRequest inFlight;
            synchronized (this) {
                if (finished) {
                    return;
                }
                inFlight = current;
                current = null;
            }
            finish(
                    null,
                    new TimeoutException("resolver " + resolver.name() + " did not answer within "
                            + call.policy().timeout().toMillis() + " ms"),
                    Outcome.UPSTREAM_FAILED);
            if (inFlight != null) {
                inFlight.reset(); // the connection is closed; a late answer is never read
            }
        }

        void finish(Map<String, Object> values, Throwable failure, Outcome outcome) {
            boolean release;
            long timer;
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
                release = holdsSlot;
                holdsSlot = false;
                timer = timerId;
            }
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            switch (outcome) {
                case ANSWERED -> guard.breaker().succeeded(admission);
                case UPSTREAM_FAILED -> guard.breaker().failed(admission);
                case REFUSED -> {
                    if (admission == CircuitBreaker.Admission.PROBE) {
                        guard.breaker().failed(admission); // the probe never ran: stay open, probe again later
                    }
                }
            }
            if (failure == null) {
                result.complete(values);
            } else {
                result.completeExceptionally(failure);
            }
            if (release) {
                guard.limit().leave();
            }
        }

        /** The request as the project writes it: method and URL template (secret references, never values). */
        private String target() {
            return call.method() + " " + call.url().text();
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
