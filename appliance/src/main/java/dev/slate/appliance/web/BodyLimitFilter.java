package dev.slate.appliance.web;

import dev.slate.appliance.offline.OfflineConfig;
import dev.slate.serving.model.error.ErrorCode;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Enforces the body limit ({@code slate.http.max-body-bytes}) on every request and refuses a larger
 * body as problem+json (the HTTP layer's own refusal has no body a client can parse): a body announced
 * larger (Content-Length) before it is read, and a body without a length (chunked) as soon as it
 * passes the limit while it is read. Such a body is read here in full, and the REST layer uses what
 * was read; bodies with a length are left to the REST layer to read.
 */
@ApplicationScoped
class BodyLimitFilter {

    private final long maxBytes;
    private final String problem;
    private final long maxUploadBytes;
    private final String uploadProblem;

    BodyLimitFilter(
            @ConfigProperty(name = "slate.http.max-body-bytes", defaultValue = "8388608") long maxBytes,
            OfflineConfig offline) {
        long maxUploadBytes = offline.maxUploadBytes();
        this.maxBytes = maxBytes;
        this.problem = Json.encode(Problem.of(
                ErrorCode.PAYLOAD_TOO_LARGE,
                413,
                "request body too large (at most " + maxBytes + " bytes)",
                List.of()));
        this.maxUploadBytes = maxUploadBytes;
        this.uploadProblem = Json.encode(Problem.of(
                ErrorCode.PAYLOAD_TOO_LARGE,
                413,
                "Parquet upload too large (at most " + maxUploadBytes + " bytes, slate.offline.max-upload-bytes)",
                List.of()));
    }

    /**
     * A Parquet file posted to an endpoint that streams it to disk (an offline query's spine, an ingest upload): it may be
     * as large as {@code slate.offline.max-upload-bytes}, and a chunked one is not read into memory here
     * (the endpoint counts its bytes while it stores them).
     */
    private static boolean isParquetUpload(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        return type != null
                && ctx.request().method().name().equals("POST")
                && (ctx.request().path().startsWith("/v1/query/offline")
                        || ctx.request().path().equals("/v1/ingest"))
                && (type.startsWith("application/vnd.apache.parquet") || type.startsWith("application/x-parquet"));
    }

    void install(@Observes Router router) {
        BodyHandler chunkedBodies = BodyHandler.create(false).setBodyLimit(maxBytes);
        router.route()
                .order(Integer.MIN_VALUE)
                .handler(ctx -> {
                    String length = ctx.request().getHeader("Content-Length");
                    if (isParquetUpload(ctx)) {
                        if (length != null && tooLong(length, maxUploadBytes)) {
                            ctx.response()
                                    .setStatusCode(413)
                                    .putHeader("Content-Type", "application/problem+json")
                                    .putHeader("Connection", "close")
                                    .end(uploadProblem);
                        } else {
                            ctx.next();
                        }
                        return;
                    }
                    if (length != null) {
                        try {
                            if (Long.parseLong(length.strip()) > maxBytes) {
                                refuse(ctx);
                                return;
                            }
                        } catch (NumberFormatException ignored) {
                            // the HTTP layer rejects malformed lengths itself
                        }
                        ctx.next();
                    } else if (ctx.request().getHeader("Transfer-Encoding") != null) {
                        chunkedBodies.handle(ctx); // fails the request with 413 when the limit is passed
                    } else {
                        ctx.next();
                    }
                })
                .failureHandler(ctx -> {
                    if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                        refuse(ctx);
                    } else {
                        ctx.next();
                    }
                });
    }

    private static boolean tooLong(String length, long limit) {
        try {
            return Long.parseLong(length.strip()) > limit;
        } catch (NumberFormatException e) {
            return false; // the HTTP layer rejects malformed lengths itself
        }
    }

    private void refuse(RoutingContext ctx) {
        ctx.response()
                .setStatusCode(413)
                .putHeader("Content-Type", "application/problem+json")
                .putHeader("Connection", "close")
                .end(problem);
    }
}
