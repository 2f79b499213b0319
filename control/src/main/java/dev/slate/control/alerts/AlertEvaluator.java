package dev.slate.control.alerts;

import dev.slate.control.alerts.AlertStore.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Evaluates every alert rule of every environment, on the one replica that holds the evaluator lease
 * (docs/alerts.md). Per rule the state goes {@code ok → pending → firing → ok}: pending when the
 * condition first holds, firing once it has held for the rule's window (a FIRING notice), back to ok
 * when it no longer holds (a RESOLVED notice with the same dedup key). Staying firing notifies nothing
 * (de-duplication). A silenced rule changes state as usual but its notices are recorded as {@code
 * silenced}, not sent. Deliveries are asynchronous: a slow or failing receiver never holds evaluation.
 */
public final class AlertEvaluator {

    private static final Logger LOG = Logger.getLogger(AlertEvaluator.class);
    static final String OK = "ok";
    static final String PENDING = "pending";
    static final String FIRING = "firing";

    private final AlertStore store;
    private final MetricSource metrics;
    private final AlertNotifier notifier;
    private final Clock clock;
    private final String holder;
    private final Duration leaseDuration;
    private final boolean builtinRules;
    private MetricSamples previous;
    private Instant previousAt;

    public AlertEvaluator(
            AlertStore store,
            MetricSource metrics,
            AlertNotifier notifier,
            Clock clock,
            String holder,
            Duration leaseDuration) {
        this(store, metrics, notifier, clock, holder, leaseDuration, true);
    }

    /** @param builtinRules whether the {@link BuiltinAlerts} are evaluated too */
    public AlertEvaluator(
            AlertStore store,
            MetricSource metrics,
            AlertNotifier notifier,
            Clock clock,
            String holder,
            Duration leaseDuration,
            boolean builtinRules) {
        this.builtinRules = builtinRules;
        this.store = store;
        this.metrics = metrics;
        this.notifier = notifier;
        this.clock = clock;
        this.holder = holder;
        this.leaseDuration = leaseDuration;
    }

    /** One round; false when another replica holds the lease (nothing was evaluated). */
    public synchronized boolean evaluateOnce() {
        if (!store.tryLease(holder, leaseDuration)) {
            previous = null; // a later takeover must not compute rates over the gap
            return false;
        }
        MetricSamples now = metrics.scrape();
        Instant t = clock.instant();
        Duration elapsed = previousAt == null ? null : Duration.between(previousAt, t);
        List<AlertStore.Silence> silences = store.activeSilences(null, t);
        Map<String, Map<String, AlertChannel>> channels = new HashMap<>();
        List<AlertRule> rules = new ArrayList<>(store.rules(null));
        if (builtinRules) {
            rules.addAll(BuiltinAlerts.rules(store.channelNames()));
        }
        for (AlertRule rule : rules) {
            try {
                evaluate(rule, now, elapsed, t, silences, channels);
            } catch (RuntimeException e) {
                LOG.warnf(
                        "alert rule %s of %s could not be evaluated: %s",
                        rule.name(), rule.environment(), e.toString());
            }
        }
        previous = now;
        previousAt = t;
        return true;
    }

    private void evaluate(
            AlertRule rule,
            MetricSamples now,
            Duration elapsed,
            Instant t,
            List<AlertStore.Silence> silences,
            Map<String, Map<String, AlertChannel>> channels) {
        OptionalDouble value = rule.formula().evaluate(now, previous, elapsed);
        boolean breached = value.isPresent() && rule.breached(value.getAsDouble());
        Double v = value.isPresent() ? value.getAsDouble() : null;
        State state = store.state(rule.environment(), rule.name()).orElse(new State(OK, t, null, newKey(rule)));
        State next;
        AlertEvent.Type notice = null;
        if (breached) {
            Instant since = state.status().equals(OK) ? t : state.since();
            String key = state.status().equals(OK) ? newKey(rule) : state.dedupKey();
            if (state.status().equals(FIRING)) {
                next = new State(FIRING, state.since(), v, key);
            } else if (!since.plus(rule.window()).isAfter(t)) {
                next = new State(FIRING, t, v, key);
                notice = AlertEvent.Type.FIRING;
            } else {
                next = new State(PENDING, since, v, key);
            }
        } else {
            if (state.status().equals(FIRING)) {
                notice = AlertEvent.Type.RESOLVED;
            }
            next = new State(OK, state.status().equals(OK) ? state.since() : t, v, state.dedupKey());
        }
        store.saveState(rule.environment(), rule.name(), next);
        if (notice != null) {
            AlertEvent event = new AlertEvent(rule, notice, v == null ? Double.NaN : v, t, next.dedupKey());
            notify(event, silences, channels);
        }
    }

    private void notify(
            AlertEvent event, List<AlertStore.Silence> silences, Map<String, Map<String, AlertChannel>> channels) {
        AlertRule rule = event.rule();
        boolean silenced = silences.stream()
                .anyMatch(s -> s.environment().equals(rule.environment())
                        && (s.rule().isEmpty() || s.rule().get().equals(rule.name())));
        Map<String, AlertChannel> byName = channels.computeIfAbsent(rule.environment(), env -> {
            Map<String, AlertChannel> m = new HashMap<>();
            store.channels(env).forEach(c -> m.put(c.name(), c));
            return m;
        });
        for (String name : rule.channels()) {
            AlertChannel channel = byName.get(name);
            if (channel == null) {
                store.recordNotification(
                        rule.environment(),
                        rule.name(),
                        name,
                        event.type().name(),
                        event.dedupKey(),
                        "failed",
                        0,
                        Optional.of("no channel '" + name + "' in environment " + rule.environment()));
            } else if (silenced) {
                store.recordNotification(
                        rule.environment(),
                        rule.name(),
                        name,
                        event.type().name(),
                        event.dedupKey(),
                        "silenced",
                        0,
                        Optional.empty());
            } else {
                notifier.deliver(event, channel);
            }
        }
    }

    private static String newKey(AlertRule rule) {
        return "slate/" + rule.environment() + "/" + rule.name() + "/" + UUID.randomUUID();
    }
}
