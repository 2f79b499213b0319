package dev.slate.control.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One line of the audit log: who did what, when, from where, and how it ended. Never holds a secret or
 * a token: {@code detail} is a reason or a problem code, {@code target} names what was acted on.
 *
 * @param id the row id once stored; 0 before
 * @param subject {@code user:NAME}, {@code client:NAME} or {@code anonymous}
 * @param action what was attempted ({@code deployment.create}, {@code access.binding.put}, ...)
 * @param outcome {@link Outcome} name
 * @param status the HTTP status answered
 */
public record AuditEntry(
        long id,
        Instant at,
        String subject,
        String action,
        String method,
        String path,
        Optional<String> environment,
        Outcome outcome,
        int status,
        Optional<String> remoteAddress,
        Optional<String> requestId,
        Optional<String> queryId,
        Optional<String> target,
        Optional<String> detail) {

    /** How a request ended, as far as the audit log is concerned. */
    public enum Outcome {
        /** Done (2xx). */
        OK,
        /** Allowed, but failed (4xx/5xx after authorization). */
        FAILED,
        /** Refused: not authenticated (401) or not authorized (403). */
        DENIED,
        /** Answered, with some features withheld (restricted tags). */
        WITHHELD
    }

    static final int MAX_TEXT = 2000;

    public AuditEntry {
        requireNonNull(at, "at is null");
        subject = clip(requireNonNull(subject, "subject is null"));
        action = clip(requireNonNull(action, "action is null"));
        method = clip(requireNonNull(method, "method is null"));
        path = clip(requireNonNull(path, "path is null"));
        environment = requireNonNull(environment, "environment is null").map(AuditEntry::clip);
        requireNonNull(outcome, "outcome is null");
        remoteAddress = requireNonNull(remoteAddress, "remoteAddress is null").map(AuditEntry::clip);
        requestId = requireNonNull(requestId, "requestId is null").map(AuditEntry::clip);
        queryId = requireNonNull(queryId, "queryId is null").map(AuditEntry::clip);
        target = requireNonNull(target, "target is null").map(AuditEntry::clip);
        detail = requireNonNull(detail, "detail is null").map(AuditEntry::clip);
    }

    /** A new entry (not stored yet). */
    public static AuditEntry of(
            Instant at,
            String subject,
            String action,
            String method,
            String path,
            String environment,
            Outcome outcome,
            int status,
            String remoteAddress,
            String requestId,
            String queryId,
            String target,
            String detail) {
        return new AuditEntry(
                0,
                at,
                subject,
                action,
                method,
                path,
                Optional.ofNullable(environment),
                outcome,
                status,
                Optional.ofNullable(remoteAddress),
                Optional.ofNullable(requestId),
                Optional.ofNullable(queryId),
                Optional.ofNullable(target),
                Optional.ofNullable(detail));
    }

    /**
     * User input (a path, a header) can be long or hold control characters: the log keeps at most
     * {@value #MAX_TEXT} characters of each field, control characters replaced by {@code ?} (PostgreSQL
     * text cannot hold NUL, and a log line should not hold a line break).
     */
    private static String clip(String s) {
        String t = s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 3) + "...";
        for (int i = 0; i < t.length(); i++) {
            if (Character.isISOControl(t.charAt(i))) {
                StringBuilder b = new StringBuilder(t.length());
                t.chars().forEach(ch -> b.append(Character.isISOControl(ch) ? '?' : (char) ch));
                return b.toString();
            }
        }
        return t;
    }
}
