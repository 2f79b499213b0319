package dev.slate.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The raw baseline of (c): the resolver's primary-key SELECT of 76 columns issued directly with the
 * Vert.x PostgreSQL client (prepared and cached, as the appliance runs it). One row must come back.
 */
final class PgSelectOperation implements Operation {

    private final Pool pool;
    private final String sql;
    private final IdSource ids;

    PgSelectOperation(Pool pool, String sql, IdSource ids) {
        this.pool = requireNonNull(pool, "pool is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.ids = requireNonNull(ids, "ids is null");
    }

    @Override
    public String describe() {
        return "PostgreSQL SELECT 77 columns by primary key";
    }

    @Override
    public Future<Void> issue() {
        return pool.preparedQuery(sql).execute(Tuple.of(ids.next())).compose(rows -> rows.size() == 1 && rows.columnsNames().size() == BenchSchema.COLUMNS + 1
                ? Future.succeededFuture()
                : Future.failedFuture(new BenchFailure("SELECT returned " + rows.size() + " rows")));
    }
}
