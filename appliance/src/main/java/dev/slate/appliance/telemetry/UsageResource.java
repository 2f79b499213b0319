package dev.slate.appliance.telemetry;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.telemetry.UsageJson;
import dev.slate.serving.telemetry.UsageOutbox;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code GET /v1/usage/records}: usage records of the outbox whose period started in [{@code since}, {@code until}),
 * shipped or not, as newline-delimited JSON in the exact schema-v1 encoding (docs/specs/usage-records.md), page by page:
 * the next page starts after the id in {@code X-Slate-Next-After}. {@code slate usage export} reads it to write a signed
 * file. Admin only (the access filter checks it). Blocking (JDBC): worker threads.
 */
@Path("/v1/usage/records")
public class UsageResource {

    static final String NDJSON = "application/x-ndjson";
    static final String NEXT_AFTER = "X-Slate-Next-After";
    private static final int MAX_LIMIT = 10_000;

    private final UsageTelemetry telemetry;

    UsageResource(UsageTelemetry telemetry) {
        this.telemetry = telemetry;
    }

    @GET
    @Produces(NDJSON)
    public Response records(
            @QueryParam("since") String since,
            @QueryParam("until") String until,
            @QueryParam("after") String after,
            @QueryParam("limit") String limit) {
        UsageOutbox outbox = telemetry
                .outbox()
                .orElseThrow(
                        () -> new SlateException(
                                ErrorCode.NOT_FOUND,
                                "billing telemetry is off on this installation (slate.telemetry.enabled=false): there are no usage records"));
        if (since == null || since.isBlank()) {
            throw invalid("'since' is required: an ISO-8601 date-time with offset, e.g. 2026-12-01T00:00:00Z");
        }
        Instant from = instant("since", since);
        Instant to = until == null || until.isBlank() ? Instant.now() : instant("until", until);
        long afterId = number("after", after, 0, Long.MAX_VALUE, 0);
        int n = (int) number("limit", limit, 1, MAX_LIMIT, 1000);
        List<UsageOutbox.Row> rows = outbox.between(from, to, afterId, n);
        ByteArrayOutputStream body = new ByteArrayOutputStream(rows.size() * 256);
        for (UsageOutbox.Row row : rows) {
            body.writeBytes(UsageJson.encode(row.record()));
            body.write('\n');
        }
        Response.ResponseBuilder answer = Response.ok(body.toByteArray(), NDJSON);
        if (rows.size() == n) {
            answer.header(NEXT_AFTER, rows.get(rows.size() - 1).id());
        }
        return answer.build();
    }

    private static Instant instant(String name, String text) {
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid("'" + name + "' must be an ISO-8601 date-time with offset, e.g. 2026-12-01T00:00:00Z");
        }
    }

    private static long number(String name, String text, long min, long max, long otherwise) {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            long v = Long.parseLong(text.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid("'" + name + "' must be a number from " + min + " to " + max);
    }

    private static SlateException invalid(String message) {
        return new SlateException(ErrorCode.INVALID_QUERY, message);
    }
}
