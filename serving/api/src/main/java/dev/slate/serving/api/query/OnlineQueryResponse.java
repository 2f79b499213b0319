package dev.slate.serving.api.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.slate.serving.engine.query.QueryAnswer;

/**
 * An online query answer on its way out: written straight from the {@link QueryAnswer} by
 * {@link OnlineQueryResponseSerializer}, in the wire form documented by {@link OnlineQueryResponseBody}
 * (docs/specs/rest-contract.md), without building an object per value.
 *
 * @param bulk {@code data} is a list of rows (bulk) rather than one row
 * @param includeMeta each field carries {@code meta: {resolver, cache_hit}}
 * @param queryName echoed in {@code meta.query_name}; may be null
 */
@JsonSerialize(using = OnlineQueryResponseSerializer.class)
public record OnlineQueryResponse(QueryAnswer answer, boolean bulk, boolean includeMeta, String queryName) {
    public OnlineQueryResponse {
        requireNonNull(answer, "answer is null");
    }
}
