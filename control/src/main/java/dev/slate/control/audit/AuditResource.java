package dev.slate.control.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code GET /v1/audit}: the audit log, newest first, filtered by {@code since} (ISO-8601 instant),
 * {@code subject}, {@code action}, {@code outcome} and {@code limit} (default 100, at most 1000).
 * Admin only (the access filter checks it). Blocking: runs on a worker thread.
 */
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final AuditLog log;

    AuditResource(AuditLog log) {
        this.log = log;
    }

    public record AuditListJson(
            @JsonProperty("entries") List<AuditEntryJson> entries,
            @JsonProperty("dropped") long dropped) {}

    @GET
    public AuditListJson list(
            @QueryParam("since") String since,
            @QueryParam("subject") String subject,
            @QueryParam("action") String action,
            @QueryParam("outcome") String outcome,
            @QueryParam("limit") String limit) {
        AuditQuery query = new AuditQuery(instant(since), text(subject), text(action), outcome(outcome), limit(limit));
        log.flush(Duration.ofSeconds(2)); // what was recorded before this request is visible in its answer
        return new AuditListJson(
                log.find(query).stream().map(AuditEntryJson::of).toList(), log.dropped());
    }

    private static Optional<Instant> instant(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text.strip()).toInstant());
        } catch (DateTimeParseException e) {
            throw invalid("'since' must be an ISO-8601 date-time with offset, e.g. 2026-01-01T00:00:00Z");
        }
    }

    /** Control characters are stored as {@code ?} (see {@link AuditEntry}): filters are read the same way. */
    private static Optional<String> text(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder(value.strip().length());
        value.strip().chars().forEach(c -> b.append(Character.isISOControl(c) ? '?' : (char) c));
        return Optional.of(b.toString());
    }

    private static Optional<AuditEntry.Outcome> outcome(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(AuditEntry.Outcome.valueOf(value.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw invalid("'outcome' must be one of OK, FAILED, DENIED, WITHHELD");
        }
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return AuditQuery.DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= AuditQuery.MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid("'limit' must be a number from 1 to " + AuditQuery.MAX_LIMIT);
    }

    private static SlateException invalid(String message) {
        return new SlateException(ErrorCode.INVALID_QUERY, message);
    }
}
