package dev.slate.api.query;

import dev.slate.api.Environments;
import dev.slate.api.query.OnlineQueryResponseBody.FieldBody;
import dev.slate.api.query.OnlineQueryResponseBody.FieldErrorBody;
import dev.slate.api.query.OnlineQueryResponseBody.FieldMetaBody;
import dev.slate.api.query.OnlineQueryResponseBody.MetaBody;
import dev.slate.engine.exec.FeatureError;
import dev.slate.engine.query.FeatureValue;
import dev.slate.engine.query.OnlineQueryService;
import dev.slate.engine.query.QueryAnswer;
import dev.slate.model.error.ErrorCode;
import dev.slate.model.error.SlateException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** {@code POST /v1/query/online} and {@code /v1/query/online/bulk}. Non-blocking: runs on the event loop. */
@Path("/v1/query/online")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class OnlineQueryResource {

    private final OnlineQueryService service;

    OnlineQueryResource(OnlineQueryService service) {
        this.service = service;
    }

    @POST
    public CompletionStage<OnlineQueryResponseBody> query(@HeaderParam(Environments.HEADER) String environment, OnlineQueryBody body) {
        OnlineQueryBody b = requireBody(body);
        return service.query(Environments.fromHeader(environment), b.toRequest())
                .thenApply(answer -> {
                    List<FieldErrorBody> errors = new ArrayList<>();
                    List<FieldBody> data = row(answer.rows().get(0), Boolean.TRUE.equals(b.includeMeta()), errors, null);
                    return new OnlineQueryResponseBody(data, errors, meta(answer, b));
                });
    }

    @POST
    @Path("/bulk")
    public CompletionStage<OnlineQueryResponseBody> bulk(@HeaderParam(Environments.HEADER) String environment, OnlineQueryBody body) {
        OnlineQueryBody b = requireBody(body);
        return service.queryBulk(Environments.fromHeader(environment), b.toRequest())
                .thenApply(answer -> {
                    List<FieldErrorBody> errors = new ArrayList<>();
                    List<List<FieldBody>> data = new ArrayList<>(answer.rows().size());
                    for (int i = 0; i < answer.rows().size(); i++) {
                        data.add(row(answer.rows().get(i), Boolean.TRUE.equals(b.includeMeta()), errors, i));
                    }
                    return new OnlineQueryResponseBody(data, errors, meta(answer, b));
                });
    }

    private static OnlineQueryBody requireBody(OnlineQueryBody body) {
        if (body == null) {
            throw new SlateException(ErrorCode.PARSE_FAILED, "request body is empty; expected a JSON object with 'inputs' and 'outputs'");
        }
        return body;
    }

    private static List<FieldBody> row(List<FeatureValue> values, boolean includeMeta, List<FieldErrorBody> errors, Integer rowIndex) {
        List<FieldBody> out = new ArrayList<>(values.size());
        for (FeatureValue v : values) {
            FieldErrorBody error = null;
            if (v.error() != null) {
                error = error(v, v.error(), rowIndex);
                errors.add(error);
            }
            out.add(new FieldBody(v.feature().qualified(), v.value(), v.pkey(),
                    v.observedAt() == null ? null : v.observedAt().toString(),
                    includeMeta ? new FieldMetaBody(v.resolver(), v.cacheHit()) : null, error));
        }
        return out;
    }

    private static FieldErrorBody error(FeatureValue v, FeatureError e, Integer row) {
        return new FieldErrorBody(e.code().name(), "FIELD", v.feature().qualified(), e.resolver(), e.message(), row);
    }

    private static MetaBody meta(QueryAnswer a, OnlineQueryBody b) {
        return new MetaBody(a.queryId(), a.took().toNanos() / 1e9, a.deployment().deploymentId(), a.deployment().version(),
                a.environment(), a.planHash(), b.queryName(), a.explain());
    }
}
