package dev.slate.control.alerts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Alert evaluation and delivery, prefix {@code slate.alerts} (docs/alerts.md). */
@ConfigMapping(prefix = "slate.alerts")
public interface AlertsConfig {

    /** Whether this replica takes part in evaluating alert rules (one replica evaluates at a time). */
    @WithDefault("true")
    boolean enabled();

    /** Whether the built-in rules (docs/alerts.md, "Built-in rules") are evaluated in every environment with channels. */
    @WithDefault("true")
    boolean builtinRules();

    /** How often the rules are evaluated. */
    @WithDefault("15s")
    Duration evaluationInterval();

    /** How long the evaluator lease lasts; another replica takes over when it was not renewed for this long. */
    @WithDefault("60s")
    Duration leaseDuration();

    /** How many times a notification is tried before it is recorded as failed. */
    @WithDefault("4")
    int deliveryAttempts();

    /** The wait before the first retry; doubled for each further one. */
    @WithDefault("1s")
    Duration retryBackoff();

    /** How long one delivery attempt may take. */
    @WithDefault("5s")
    Duration deliveryTimeout();

    /** The sender address of alert email. */
    @WithDefault("slate-alerts@localhost")
    String emailFrom();
}
