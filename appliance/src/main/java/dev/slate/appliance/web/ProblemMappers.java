package dev.slate.appliance.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Renders every API failure as {@code application/problem+json} with a stable code. Unexpected
 * exceptions are logged with an incident id and answered without internals.
 */
class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    Response slate(SlateException e) {
        Problem problem = Problem.of(e);
        if (problem.status() >= 500 && e.getCause() != null) {
            LOG.warnf(e.getCause(), "%s: %s", e.code(), e.getMessage());
        }
        return problem.toResponse();
    }

    @ServerExceptionMapper
    Response json(JsonProcessingException e) {
        String detail = switch (e) {
            case UnrecognizedPropertyException u ->
                "unknown field '" + u.getPropertyName() + "'"
                        + (u.getKnownPropertyIds() == null
                                        || u.getKnownPropertyIds().isEmpty()
                                ? ""
                                : "; known fields: " + u.getKnownPropertyIds());
            case MismatchedInputException m ->
                m.getPath().isEmpty()
                        ? "the request body must be " + expected(m.getTargetType())
                        : "field '" + path(m) + "' has the wrong type: expected " + expected(m.getTargetType());
            case JsonParseException p -> "malformed JSON: " + firstLine(p.getOriginalMessage());
            default -> "malformed JSON: " + firstLine(e.getOriginalMessage());
        };
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            detail += " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
        }
        return Problem.of(ErrorCode.PARSE_FAILED, 400, detail, List.of()).toResponse();
    }

    /**
     * The same as {@link #json} for a body of the wrong JSON shape (e.g. {@code []}, or a string where
     * an object is expected). Needed because Quarkus' own mapper for exactly this type, which answers
     * 400 with an empty body, would otherwise be chosen over the more general one above.
     */
    @ServerExceptionMapper
    Response mismatchedInput(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    Response web(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        return switch (e) {
            case NotFoundException n ->
                Problem.of(ErrorCode.NOT_FOUND, 404, "no such resource", List.of())
                        .toResponse();
            case NotAllowedException n ->
                Problem.of(ErrorCode.INVALID_QUERY, 405, "method not allowed", List.of())
                        .toResponse();
            case NotSupportedException n ->
                Problem.of(
                                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                                415,
                                "unsupported content type; send application/json",
                                List.of())
                        .toResponse();
            default -> {
                if (status == 413) {
                    yield Problem.of(ErrorCode.PAYLOAD_TOO_LARGE, 413, "request body too large", List.of())
                            .toResponse();
                }
                if (status >= 500) {
                    yield unexpected(e);
                }
                if (status == 400 && e.getCause() instanceof JsonProcessingException j) {
                    yield json(j);
                }
                yield Problem.of(
                                status == 401
                                        ? ErrorCode.UNAUTHENTICATED
                                        : status == 403 ? ErrorCode.UNAUTHORIZED : ErrorCode.INVALID_QUERY,
                                status,
                                e.getResponse().getStatusInfo().getReasonPhrase(),
                                List.of())
                        .toResponse();
            }
        };
    }

    /** Last resort for bugs: never leak internals, always leave a trail. */
    @ServerExceptionMapper
    Response unexpected(Throwable e) {
        String incident = Long.toHexString(ThreadLocalRandom.current().nextLong());
        LOG.errorf(e, "unexpected error, incident %s", incident);
        return Problem.of(
                        ErrorCode.INTERNAL_SERVER_ERROR,
                        500,
                        "unexpected error; incident " + incident + " is in the server log",
                        List.of())
                .toResponse();
    }

    private static String path(MismatchedInputException m) {
        StringBuilder sb = new StringBuilder();
        for (var ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "(root)" : sb.toString();
    }

    /** What a JSON value must look like to fill {@code target}, in JSON terms (no Java type names). */
    private static String expected(Class<?> target) {
        if (target == null) {
            return "a different JSON value";
        }
        if (target == String.class || target == Character.class || target == char.class) {
            return "a string";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(target) || (target.isPrimitive() && target != void.class)) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return "a list";
        }
        return "a JSON object";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 197) + "..." : line;
    }
}
