package dev.slate.control.alerts;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;

/**
 * Where an environment's alerts go (docs/alerts.md). {@code url} is http(s) for the webhook kinds
 * and {@code smtp://host:port} for email. {@code secret} is a reference ({@code ${secret:NAME}}), never
 * a value: the HMAC key of a generic webhook, the routing key of PagerDuty.
 */
public record AlertChannel(
        String environment, String name, Kind kind, URI url, Optional<String> secret, Optional<String> emailTo) {

    public AlertChannel {
        requireNonNull(environment, "environment is null");
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(url, "url is null");
        requireNonNull(secret, "secret is null");
        requireNonNull(emailTo, "emailTo is null");
    }

    public enum Kind {
        /** Slack-compatible incoming webhook: {@code {"text": "..."}}. */
        SLACK,
        /** PagerDuty Events API v2-compatible endpoint: trigger and resolve with {@code dedup_key}. */
        PAGERDUTY,
        /** Any HTTP endpoint: a JSON event, signed with HMAC-SHA256 in {@code X-Slate-Signature}. */
        WEBHOOK,
        /** Email over SMTP. */
        EMAIL
    }
}
