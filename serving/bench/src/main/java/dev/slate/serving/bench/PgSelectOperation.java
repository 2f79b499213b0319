package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The raw baseline of (c) and (d): the resolver's SELECT of 76 columns issued directly with the Vert.x
 * PostgreSQL client (prepared and cached, as the appliance runs it). One id: by primary key, one row
 * must come back ({@link BenchSchema#livePositionalSelect()}). Several ids: one statement for all of
 * them with {@code id = ANY($1::int8[])} ({@link BenchSchema#liveBulkSelect()}), every row must come back.
 */
final class PgSelectOperation implements Operation {

    private final Pool pool;
    private final String sql;
    private final IdSource ids;
    private final int idsPerRequest;

    PgSelectOperation(Pool pool, String sql, IdSource ids, int idsPerRequest) {
        this.pool = requireNonNull(pool, "pool is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.ids = requireNonNull(ids, "ids is null");
        if (idsPerRequest < 1) {
            throw new IllegalArgumentException("idsPerRequest must be at least 1, got " + idsPerRequest);
        }
        this.idsPerRequest = idsPerRequest;
    }

    @Override
    public String describe() {
        return idsPerRequest == 1
                ? "PostgreSQL SELECT 77 columns by primary key"
                : "PostgreSQL SELECT 77 columns WHERE id = ANY(" + idsPerRequest + " ids)";
    }

    @Override
    public Future<Void> issue() {
        Tuple params;
        if (idsPerRequest == 1) {
            params = Tuple.of(ids.next());
        } else {
            long[] batch = ids.distinct(idsPerRequest);
            Long[] boxed = new Long[batch.length];
            for (int i = 0; i < batch.length; i++) {
                boxed[i] = batch[i];
            }
            params = Tuple.tuple().addArrayOfLong(boxed);
        }
        return pool.preparedQuery(sql)
                .execute(params)
                .compose(rows ->
                        rows.size() == idsPerRequest && rows.columnsNames().size() == BenchSchema.COLUMNS + 1
                                ? Future.succeededFuture()
                                : Future.failedFuture(new BenchFailure(
                                        "SELECT returned " + rows.size() + " rows for " + idsPerRequest + " ids")));
    }
}
