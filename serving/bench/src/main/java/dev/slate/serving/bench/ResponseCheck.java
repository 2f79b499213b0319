package dev.slate.serving.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Decides whether a query response counts as a success: HTTP 200 and an empty (or absent) top-level
 * {@code errors} array. The check scans bytes instead of parsing the whole body; it parses only to
 * describe a failure.
 */
final class ResponseCheck {

    private static final byte[] ERRORS_KEY = "\"errors\":".getBytes(StandardCharsets.US_ASCII);

    private ResponseCheck() {}

    /** Why the response is not a success, or null when it is. */
    static String problem(int status, Buffer body) {
        if (status != 200) {
            return "HTTP " + status + problemCode(body);
        }
        int at = lastIndexOf(body, ERRORS_KEY);
        if (at < 0) {
            return null;
        }
        int i = skipSpace(body, at + ERRORS_KEY.length);
        if (i < body.length() && body.getByte(i) == 'n') {
            return null; // "errors": null
        }
        if (i >= body.length() || body.getByte(i) != '[') {
            return "unreadable errors field";
        }
        i = skipSpace(body, i + 1);
        if (i < body.length() && body.getByte(i) == ']') {
            return null;
        }
        return "errors in response" + firstError(body);
    }

    /**
     * The literal {@code "errors":} can only occur as a key: inside a JSON string a quote is escaped,
     * so the bytes {@code s":} cannot follow each other there. The top-level key comes after
     * {@code data}, so the search runs from the end.
     */
    static int lastIndexOf(Buffer body, byte[] needle) {
        outer:
        for (int i = body.length() - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (body.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int skipSpace(Buffer body, int i) {
        while (i < body.length()) {
            byte b = body.getByte(i);
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return i;
            }
            i++;
        }
        return i;
    }

    private static String problemCode(Buffer body) {
        try {
            JsonObject problem = body.toJsonObject();
            String code = problem.getString("code");
            return code == null ? "" : " " + code;
        } catch (DecodeException | ClassCastException e) {
            return "";
        }
    }

    private static String firstError(Buffer body) {
        try {
            JsonArray errors = body.toJsonObject().getJsonArray("errors");
            if (errors == null || errors.isEmpty()) {
                return "";
            }
            JsonObject e = errors.getJsonObject(0);
            return ": " + e.getString("code") + " (" + e.getString("feature") + ")";
        } catch (DecodeException | ClassCastException e) {
            return "";
        }
    }
}
