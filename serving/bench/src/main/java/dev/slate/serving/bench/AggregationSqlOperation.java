package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The hand-written SQL baseline: {@link AggregationProject#handWrittenSql()} (the four outputs in one statement over
 * the same table, exact windows at T = now) issued directly with the Vert.x PostgreSQL client, prepared and cached as
 * the appliance runs its statements. One row with a non-null 30-day count must come back.
 */
final class AggregationSqlOperation implements Operation {

    private final Pool pool;
    private final IdSource users;

    AggregationSqlOperation(Pool pool, IdSource users) {
        this.pool = requireNonNull(pool, "pool is null");
        this.users = requireNonNull(users, "users is null");
    }

    @Override
    public String describe() {
        return "PostgreSQL: the 4 aggregates in one hand-written SELECT";
    }

    @Override
    public Future<Void> issue() {
        return pool.preparedQuery(AggregationProject.handWrittenSql())
                .execute(Tuple.of(users.next(), OffsetDateTime.now(ZoneOffset.UTC)))
                .compose(rows -> rows.size() == 1 && rows.iterator().next().getLong(2) != null
                        ? Future.succeededFuture()
                        : Future.failedFuture(
                                new BenchFailure("the hand-written SELECT returned " + rows.size() + " rows")));
    }
}
