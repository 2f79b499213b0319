package dev.slate.control.alerts;

import dev.slate.control.secrets.SecretStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Runs the {@link AlertEvaluator} every {@code slate.alerts.evaluation-interval} on a thread of its
 * own (blocking JDBC), when this replica has a {@link MetricSource} and alerts are enabled.
 */
@ApplicationScoped
public class AlertScheduler {

    private static final Logger LOG = Logger.getLogger(AlertScheduler.class);
    private static final Pattern SECRET_REF = Pattern.compile("\\$\\{secret:([A-Za-z_][A-Za-z0-9_.-]{0,127})}");

    private final AlertStore store;
    private final AlertsConfig config;
    private final Instance<MetricSource> metrics;
    private final Instance<SecretStore> secrets;
    private final Instance<AlertNotifier.MailSender> mail;
    private ScheduledExecutorService executor;
    private AlertNotifier notifier;
    private AlertEvaluator evaluator;

    AlertScheduler(
            AlertStore store,
            AlertsConfig config,
            Instance<MetricSource> metrics,
            Instance<SecretStore> secrets,
            Instance<AlertNotifier.MailSender> mail) {
        this.store = store;
        this.config = config;
        this.metrics = metrics;
        this.secrets = secrets;
        this.mail = mail;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled() || !metrics.isResolvable()) {
            return;
        }
        notifier = new AlertNotifier(
                config.deliveryAttempts(),
                config.retryBackoff(),
                config.deliveryTimeout(),
                this::secret,
                mail.isResolvable()
                        ? mail.get()
                        : (smtp, from, to, subject, body) -> {
                            throw new IllegalStateException("email delivery is not available in this build");
                        },
                config.emailFrom(),
                o -> store.recordNotification(
                        o.event().rule().environment(),
                        o.event().rule().name(),
                        o.channel().name(),
                        o.event().type().name(),
                        o.event().dedupKey(),
                        o.delivered() ? "delivered" : "failed",
                        o.attempts(),
                        o.error()));
        evaluator = new AlertEvaluator(
                store,
                metrics.get(),
                notifier,
                Clock.systemUTC(),
                holder(),
                config.leaseDuration(),
                config.builtinRules());
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slate-alert-evaluator");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, config.evaluationInterval().toMillis());
        executor.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            evaluator.evaluateOnce();
        } catch (RuntimeException e) {
            LOG.warnf("alert evaluation failed (retried next round): %s", e.toString());
        }
    }

    /** The value of {@code ${secret:NAME}}: the environment's secrets in Slate's secret store, then {@code slate.secret.NAME}. */
    private Optional<String> secret(String environment, String reference) {
        Matcher m = SECRET_REF.matcher(reference);
        if (!m.matches()) {
            return Optional.empty();
        }
        String name = m.group(1);
        Optional<String> stored = secrets.isResolvable() ? secrets.get().lookup(environment, name) : Optional.empty();
        return stored.isPresent()
                ? stored
                : ConfigProvider.getConfig().getOptionalValue("slate.secret." + name, String.class);
    }

    private static String holder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        return host + "/" + UUID.randomUUID();
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (notifier != null) {
            notifier.close();
        }
    }
}
