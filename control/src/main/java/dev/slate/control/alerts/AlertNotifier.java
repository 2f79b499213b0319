package dev.slate.control.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Delivers alert events to channels, asynchronously: {@link #deliver} returns at once, so evaluation
 * never waits for a receiver. An attempt that fails (connection error, timeout, a non-2xx answer) is
 * retried after {@code retryBackoff}, doubled each time, up to {@code attempts}; the outcome goes to
 * {@code outcomes} (the delivery log).
 */
public final class AlertNotifier implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AlertNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String SIGNATURE_HEADER = "X-Slate-Signature";
    public static final String SCHEMA = "slate.alert.v1";

    /** What became of one delivery. */
    public record Outcome(
            AlertEvent event, AlertChannel channel, boolean delivered, int attempts, Optional<String> error) {}

    public interface Outcomes {
        void record(Outcome outcome);
    }

    /** Sends email; a channel of kind EMAIL needs one. */
    public interface MailSender {
        void send(URI smtp, String from, String to, String subject, String body) throws Exception;
    }

    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final int attempts;
    private final Duration backoff;
    private final Duration timeout;
    private final BiFunction<String, String, Optional<String>> secrets;
    private final MailSender mail;
    private final String emailFrom;
    private final Outcomes outcomes;

    /**
     * @param secrets resolves a reference ({@code ${secret:NAME}}) of a channel's environment to its value (that environment's secrets only)
     */
    public AlertNotifier(
            int attempts,
            Duration backoff,
            Duration timeout,
            BiFunction<String, String, Optional<String>> secrets,
            MailSender mail,
            String emailFrom,
            Outcomes outcomes) {
        this.attempts = Math.max(1, attempts);
        this.backoff = backoff;
        this.timeout = timeout;
        this.secrets = secrets;
        this.mail = mail;
        this.emailFrom = emailFrom;
        this.outcomes = outcomes;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slate-alert-delivery");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .executor(Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "slate-alert-http");
                    t.setDaemon(true);
                    return t;
                }))
                .build();
    }

    /** Starts delivering; completes with the outcome (also recorded). Never throws. */
    public CompletableFuture<Outcome> deliver(AlertEvent event, AlertChannel channel) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        scheduler.execute(() -> attempt(event, channel, 1, done));
        return done;
    }

    private void attempt(AlertEvent event, AlertChannel channel, int n, CompletableFuture<Outcome> done) {
        CompletableFuture<Void> sent;
        try {
            sent = send(event, channel);
        } catch (Exception e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((v, failure) -> {
            if (failure == null) {
                finish(done, new Outcome(event, channel, true, n, Optional.empty()));
                return;
            }
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            String error = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (n >= attempts) {
                LOG.warnf(
                        "alert %s (%s) not delivered to channel %s after %d attempts: %s",
                        event.rule().name(), event.type(), channel.name(), n, error);
                finish(done, new Outcome(event, channel, false, n, Optional.of(error)));
                return;
            }
            long wait = backoff.toMillis() << (n - 1);
            scheduler.schedule(() -> attempt(event, channel, n + 1, done), wait, TimeUnit.MILLISECONDS);
        });
    }

    private void finish(CompletableFuture<Outcome> done, Outcome outcome) {
        try {
            outcomes.record(outcome);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "could not record the delivery of alert %s: %s",
                    outcome.event().rule().name(), e.toString());
        }
        done.complete(outcome);
    }

    private CompletableFuture<Void> send(AlertEvent event, AlertChannel channel) throws Exception {
        return switch (channel.kind()) {
            case SLACK -> post(channel.url(), slack(event), Optional.empty());
            case PAGERDUTY -> post(channel.url(), pagerDuty(event, channel), Optional.empty());
            case WEBHOOK -> {
                String body = webhook(event);
                Optional<String> key = channel.secret()
                        .map(ref -> secrets.apply(channel.environment(), ref)
                                .orElseThrow(() -> new IllegalStateException(
                                        "the channel's secret " + ref + " is not configured")));
                yield post(channel.url(), body, key.map(k -> "sha256=" + hmac(k, body)));
            }
            case EMAIL ->
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                mail.send(
                                        channel.url(),
                                        emailFrom,
                                        channel.emailTo().orElseThrow(),
                                        event.summary(),
                                        event.summary() + "\n\n" + webhook(event));
                            } catch (Exception e) {
                                throw new CompletionException(e);
                            }
                        },
                        http.executor().orElseThrow());
        };
    }

    private CompletableFuture<Void> post(URI url, String body, Optional<String> signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        signature.ifPresent(s -> request.header(SIGNATURE_HEADER, s));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> {
                    if (r.statusCode() / 100 != 2) {
                        throw new IllegalStateException("the receiver answered HTTP " + r.statusCode());
                    }
                    return null;
                });
    }

    static String slack(AlertEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("text", (e.type() == AlertEvent.Type.FIRING ? ":rotating_light: " : ":white_check_mark: ") + e.summary());
        return o.toString();
    }

    private String pagerDuty(AlertEvent e, AlertChannel channel) {
        ObjectNode o = JSON.createObjectNode();
        o.put(
                "routing_key",
                channel.secret()
                        .flatMap(ref -> secrets.apply(channel.environment(), ref))
                        .orElse(""));
        o.put("event_action", e.type() == AlertEvent.Type.FIRING ? "trigger" : "resolve");
        o.put("dedup_key", e.dedupKey());
        ObjectNode payload = o.putObject("payload");
        payload.put("summary", e.summary());
        payload.put("source", "slate/" + e.rule().environment());
        payload.put(
                "severity",
                switch (e.rule().severity()) {
                    case CRITICAL -> "critical";
                    case WARNING -> "warning";
                    case INFO -> "info";
                });
        payload.put("timestamp", e.at().toString());
        ObjectNode details = payload.putObject("custom_details");
        details.put("rule", e.rule().name());
        details.put("formula", e.rule().formula().text());
        details.put("value", e.value());
        details.put("threshold", e.rule().threshold());
        details.put("owner", e.rule().owner());
        return o.toString();
    }

    static String webhook(AlertEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", SCHEMA);
        o.put("event", e.type().name().toLowerCase(Locale.ROOT));
        o.put("environment", e.rule().environment());
        o.put("rule", e.rule().name());
        o.put("severity", e.rule().severity().name().toLowerCase(Locale.ROOT));
        o.put("owner", e.rule().owner());
        o.put("formula", e.rule().formula().text());
        o.put("comparator", e.rule().comparator().symbol());
        o.put("threshold", e.rule().threshold());
        o.put("value", e.value());
        o.put("dedup_key", e.dedupKey());
        o.put("at", e.at().toString());
        o.put("summary", e.summary());
        return o.toString();
    }

    /** Hex HMAC-SHA256 of the body: what {@value #SIGNATURE_HEADER} carries after {@code sha256=}. */
    public static String hmac(String key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        http.executor().ifPresent(x -> ((ExecutorService) x).shutdownNow());
    }
}
