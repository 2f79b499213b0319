package dev.slate.control.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A filter over the audit log: entries at or after {@code since}, of one subject, action and/or outcome,
 * newest first, at most {@code limit}.
 */
public record AuditQuery(
        Optional<Instant> since,
        Optional<String> subject,
        Optional<String> action,
        Optional<AuditEntry.Outcome> outcome,
        int limit) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        requireNonNull(since, "since is null");
        requireNonNull(subject, "subject is null");
        requireNonNull(action, "action is null");
        requireNonNull(outcome, "outcome is null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        }
    }
}
