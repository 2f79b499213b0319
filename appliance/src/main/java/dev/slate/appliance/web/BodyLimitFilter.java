package dev.slate.appliance.web;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a body announced larger than the limit before reading it, as problem+json (the HTTP
 * layer's own refusal has no body a client can parse).
 */
@ApplicationScoped
class BodyLimitFilter {

    private final long maxBytes;

    BodyLimitFilter(@ConfigProperty(name = "slate.http.max-body-bytes", defaultValue = "8388608") long maxBytes) {
        this.maxBytes = maxBytes;
    }

    void install(@Observes Router router) {
        String body = Json.encode(Problem.of(dev.slate.model.error.ErrorCode.PAYLOAD_TOO_LARGE, 413,
                "request body too large (at most " + maxBytes + " bytes)", List.of()));
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null) {
                try {
                    if (Long.parseLong(length.strip()) > maxBytes) {
                        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/problem+json")
                                .putHeader("Connection", "close").end(body);
                        return;
                    }
                } catch (NumberFormatException ignored) {
                    // the HTTP layer rejects malformed lengths itself
                }
            }
            ctx.next();
        });
    }
}
