package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** Creates the bench table {@code slate_bench.items} (100,000 rows via generate_series) unless it is already in place. */
final class BenchData {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Pool pool;
    private final PrintStream log;

    BenchData(Pool pool, PrintStream log) {
        this.pool = requireNonNull(pool, "pool is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** True when the table exists with all its columns and rows. */
    boolean inPlace(int rows) {
        RowSet<Row> columns = Sync.await(
                pool.preparedQuery(
                                "SELECT count(*) FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2")
                        .execute(Tuple.of(BenchSchema.SCHEMA, "items")),
                TIMEOUT);
        long n = columns.iterator().next().getLong(0);
        if (n != BenchSchema.COLUMNS + 1) {
            return false;
        }
        RowSet<Row> count = Sync.await(
                pool.query("SELECT count(*), min(id), max(id) FROM " + BenchSchema.TABLE)
                        .execute(),
                TIMEOUT);
        Row r = count.iterator().next();
        return r.getLong(0) == rows && r.getLong(1) == 1 && r.getLong(2) == rows;
    }

    void ensure(int rows) {
        if (inPlace(rows)) {
            log.println("bench table " + BenchSchema.TABLE + " is in place (" + rows + " rows)");
            return;
        }
        log.println("creating bench table " + BenchSchema.TABLE + " with " + rows + " rows ...");
        long start = System.nanoTime();
        for (String sql : BenchSchema.createStatements(rows)) {
            Sync.await(pool.query(sql).execute(), TIMEOUT);
        }
        log.printf(Locale.ROOT, "  done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }
}
