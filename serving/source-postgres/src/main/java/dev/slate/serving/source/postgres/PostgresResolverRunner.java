package dev.slate.serving.source.postgres;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.aggregate.AggregatePartial;
import dev.slate.serving.engine.exec.AggregateQuery;
import dev.slate.serving.engine.exec.BatchedAnswer;
import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.exec.RowsQuery;
import dev.slate.serving.engine.source.SecretResolver;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.SourceSpec;
import dev.slate.serving.model.sql.SqlStatement;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureType;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Runs SQL resolvers against PostgreSQL sources with the non-blocking Vert.x client. One pool per
 * distinct connection (after secret resolution), shared by every deployment that uses it; prepared
 * statements are cached per connection, so each resolver's SQL is parsed by PostgreSQL once.
 * Parameters are always bind parameters.
 *
 * <p>Each run enforces the resolver's timeout itself: when it expires the stage fails with a
 * {@link TimeoutException} at once, and a statement still running is cancelled on the server
 * ({@link PgConnection#cancelRequest()}), so the connection goes back to the pool as soon as
 * PostgreSQL has stopped, not when a slow query would have finished. The connection is returned
 * only after the cancel request has been delivered, so a late cancel can never hit the next
 * statement on that connection.
 *
 * <p>Runs take a connection with {@link Pool#getConnection()} rather than {@code
 * pool.preparedQuery(..)}: in Vert.x SQL client 4.5 the latter arms a connection-timeout timer that
 * is not cancelled when connecting fails (unreachable database, bad credentials), and that timer
 * later fails the already failed promise again, reported as {@code IllegalStateException: Result is
 * already complete} from {@code SqlConnectionPool} (eclipse-vertx/vertx-sql-client#1706).
 */
public final class PostgresResolverRunner implements ResolverRunner, AutoCloseable {

    /** How long a run may wait for a pooled connection (the resolver's own timeout usually ends it sooner). */
    public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(10);

    private static final int MAX_CANCEL_ATTEMPTS = 10;
    private static final long CANCEL_RETRY_MILLIS = 100;

    private final Vertx vertx;
    private final SecretResolver secrets;
    private final Duration acquireTimeout;
    private final Map<ConnectionKey, Pool> pools = new ConcurrentHashMap<>();
    private final Map<Scoped, ConnectionKey> resolved = new ConcurrentHashMap<>();
    private final AtomicInteger poolSequence = new AtomicInteger();

    public PostgresResolverRunner(Vertx vertx, SecretResolver secrets) {
        this(vertx, secrets, DEFAULT_ACQUIRE_TIMEOUT);
    }

    public PostgresResolverRunner(Vertx vertx, SecretResolver secrets, Duration acquireTimeout) {
        this.vertx = requireNonNull(vertx, "vertx is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.acquireTimeout = requireNonNull(acquireTimeout, "acquireTimeout is null");
        if (acquireTimeout.isNegative() || acquireTimeout.isZero()) {
            throw new IllegalArgumentException("acquireTimeout must be positive");
        }
    }

    @Override
    public CompletionStage<Map<String, Object>> run(FeatureGraph graph, ResolverNode resolver, Object[] parameters) {
        Pool pool;
        try {
            pool = manyPool(graph, resolver);
        } catch (ResolverFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        Tuple tuple = Tuple.tuple();
        for (Object p : parameters) {
            tuple.addValue(toBind(p));
        }
        Run run = new Run(resolver.positionalSql(), tuple, false);
        run.start(pool, Math.max(1, resolver.timeout().toMillis()));
        return run.result.thenApply(rows -> rows.isEmpty() ? Map.of() : rows.getFirst());
    }

    /**
     * One statement for every row of a bulk query (docs/specs/resolver-batching.md): the parameter values travel as one
     * bound array per parameter, {@code unnest}ed with their row number, and the resolver's statement runs once per
     * row as a {@code LATERAL} subquery that reads them:
     *
     * <pre>{@code
     * SELECT "slate batch row", slate_r.* FROM unnest($1::int8[], ...) WITH ORDINALITY AS slate_batch(slate_p1, ..., "slate batch row")
     *   CROSS JOIN LATERAL (<the resolver's SQL, :name replaced by slate_batch.slate_pN>) AS slate_r
     * }</pre>
     *
     * A resolver with no parameter, or with a list-typed one, runs once per row instead.
     */
    @Override
    public CompletionStage<List<BatchedAnswer>> runBatch(
            FeatureGraph graph, ResolverNode resolver, List<Object[]> parameterRows) {
        SourceSpec source = graph.sources().get(resolver.source());
        String sql = source instanceof SourceSpec.Postgres ? batchSql(graph, resolver) : null;
        if (sql == null) {
            return ResolverRunner.super.runBatch(graph, resolver, parameterRows);
        }
        Pool pool;
        try {
            pool = pool(graph, (SourceSpec.Postgres) source);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    new ResolverFailure("source " + resolver.source() + ": " + e.getMessage()));
        }
        int n = resolver.parameters().size();
        Tuple tuple = Tuple.tuple();
        for (int p = 0; p < n; p++) {
            FeatureType type =
                    graph.features().get(resolver.parameters().get(p)).type();
            Object[] column = newArray(type, parameterRows.size());
            for (int r = 0; r < parameterRows.size(); r++) {
                column[r] = toBind(parameterRows.get(r)[p]);
            }
            tuple.addValue(column);
        }
        Run run = new Run(sql, tuple, true);
        run.start(pool, Math.max(1, resolver.timeout().toMillis()));
        return run.result
                .handle((rows, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(
                                BatchedAnswer.ofTaggedRows(rows, parameterRows.size(), BATCH_ROW));
                    }
                    Throwable cause =
                            failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
                    if (cause instanceof ResolverFailure f
                            && NOT_BATCHABLE.matcher(f.getMessage()).find()) {
                        // PostgreSQL refused the batched form (a parameter where a column reference is not allowed,
                        // e.g.
                        // LIMIT :n, or an overload that needs the parameter's own type): run this resolver row by row
                        batchStatements.put(resolver, Optional.empty());
                        return ResolverRunner.super
                                .runBatch(graph, resolver, parameterRows)
                                .toCompletableFuture();
                    }
                    return CompletableFuture.<List<BatchedAnswer>>failedFuture(cause);
                })
                .thenCompose(Function.identity());
    }

    /** A statement PostgreSQL refused as written (syntax or access rule violation, feature not supported). */
    private static final Pattern NOT_BATCHABLE = Pattern.compile("\\(SQLSTATE (42|0A)[0-9A-Z]{3}\\)$");

    /** The name of the row-number column of a batched statement: quoted, with spaces, so no resolver column can collide. */
    private static final String BATCH_ROW = "slate batch row";

    private final Map<ResolverNode, Optional<String>> batchStatements =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** The batched statement of a resolver, or null when it cannot be batched. */
    private String batchSql(FeatureGraph graph, ResolverNode resolver) {
        return batchStatements
                .computeIfAbsent(resolver, r -> {
                    if (r.parameters().isEmpty()) {
                        return Optional.empty();
                    }
                    StringBuilder unnest = new StringBuilder();
                    StringBuilder columns = new StringBuilder();
                    for (int p = 0; p < r.parameters().size(); p++) {
                        FeatureId id = r.parameters().get(p);
                        FeatureNode node = graph.features().get(id);
                        String pgType = node == null ? null : arrayType(node.type());
                        if (pgType == null) {
                            return Optional.empty();
                        }
                        unnest.append(p == 0 ? "" : ", ")
                                .append('$')
                                .append(p + 1)
                                .append("::")
                                .append(pgType);
                        columns.append("slate_p").append(p + 1).append(", ");
                    }
                    String inner = SqlStatement.analyze(r.sql())
                            .withParameters(i -> "slate_batch.slate_p" + i)
                            .strip();
                    if (inner.endsWith(";")) {
                        inner = inner.substring(0, inner.length() - 1);
                    }
                    return Optional.of("SELECT \"" + BATCH_ROW + "\", slate_r.* FROM unnest(" + unnest
                            + ") WITH ORDINALITY AS slate_batch(" + columns + "\"" + BATCH_ROW
                            + "\") CROSS JOIN LATERAL (" + inner + "\n) AS slate_r");
                })
                .orElse(null);
    }

    private static String arrayType(FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar.INT -> "int8[]";
            case FeatureType.Scalar.FLOAT -> "float8[]";
            case FeatureType.Scalar.STRING -> "text[]";
            case FeatureType.Scalar.BOOL -> "bool[]";
            case FeatureType.Scalar.DATETIME -> "timestamptz[]";
            case FeatureType.Scalar.DATE -> "date[]";
            case FeatureType.ListOf ignored -> null;
        };
    }

    private static Object[] newArray(FeatureType type, int n) {
        return switch (type) {
            case FeatureType.Scalar.INT -> new Long[n];
            case FeatureType.Scalar.FLOAT -> new Double[n];
            case FeatureType.Scalar.STRING -> new String[n];
            case FeatureType.Scalar.BOOL -> new Boolean[n];
            case FeatureType.Scalar.DATETIME -> new OffsetDateTime[n];
            case FeatureType.Scalar.DATE -> new LocalDate[n];
            case FeatureType.ListOf ignored -> throw new IllegalArgumentException("list parameters are not batched");
        };
    }

    /** The resolver's statement as a subquery, filtered to the window and bounded: one statement, bind parameters only. */
    @Override
    public CompletionStage<List<Map<String, Object>>> runRows(
            FeatureGraph graph, ResolverNode resolver, RowsQuery query, Object[] parameters) {
        Pool pool;
        try {
            pool = manyPool(graph, resolver);
        } catch (ResolverFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        Tuple tuple = Tuple.tuple();
        for (Object p : parameters) {
            tuple.addValue(toBind(p));
        }
        String time = "slate_rows." + SqlQuoting.identifier(query.timeColumn());
        StringBuilder sql = new StringBuilder("SELECT * FROM (")
                .append(resolver.positionalSql())
                .append(") AS slate_rows WHERE ");
        if (query.after().isPresent()) {
            tuple.addValue(toBind(query.after().get()));
            sql.append(time).append(" > $").append(tuple.size()).append(" AND ");
        }
        tuple.addValue(toBind(query.until()));
        sql.append(time)
                .append(" <= $")
                .append(tuple.size())
                .append(" ORDER BY ")
                .append(time)
                .append(" DESC");
        if (query.limit() > 0) {
            tuple.addValue(query.limit());
            sql.append(" LIMIT $").append(tuple.size());
        }
        Run run = new Run(sql.toString(), tuple, true);
        run.start(pool, Math.max(1, resolver.timeout().toMillis()));
        return run.result;
    }

    /** PostgreSQL computes every aggregate but {@code approx_count_distinct} in the statement. */
    @Override
    public boolean aggregatesInSource(FeatureGraph graph, ResolverNode resolver) {
        return graph.sources().get(resolver.source()) instanceof SourceSpec.Postgres;
    }

    /** The resolver's statement as a subquery, aggregated in one statement: {@link PostgresAggregateStatement}. */
    @Override
    public CompletionStage<List<AggregatePartial>> runAggregates(
            FeatureGraph graph, ResolverNode resolver, AggregateQuery query, Object[] parameters) {
        Pool pool;
        try {
            pool = manyPool(graph, resolver);
        } catch (ResolverFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        PostgresAggregateStatement statement =
                PostgresAggregateStatement.of(resolver.positionalSql(), query, parameters);
        Run run = new Run(statement.sql, statement.tuple, false);
        run.start(pool, Math.max(1, resolver.timeout().toMillis()));
        return run.result.thenApply(rows -> statement.read(rows.getFirst()));
    }

    /**
     * One execution of one resolver: take a connection, run the statement, give the connection back.
     * The timer, the connection and the statement may complete in any order and on any thread; state
     * changes are made under the object's lock and {@link #result} completes exactly once (the first
     * of answer, failure and timeout wins; the others are no-ops).
     */
    private final class Run {
        final CompletableFuture<List<Map<String, Object>>> result = new CompletableFuture<>();
        private final String sql;
        private final Tuple tuple;
        private final boolean many; // every row (runRows), else at most one
        private long timerId = -1;
        private SqlConnection connection; // while the statement runs
        private boolean timedOut;
        private boolean statementDone;
        private Future<Void> cancel; // the last cancel request, sent when the timeout hit a running statement
        private int cancelAttempts;

        Run(String sql, Tuple tuple, boolean many) {
            this.sql = sql;
            this.tuple = tuple;
            this.many = many;
        }

        void start(Pool pool, long timeoutMillis) {
            long id = vertx.setTimer(timeoutMillis, t -> timeOut(timeoutMillis));
            synchronized (this) {
                timerId = id;
            }
            pool.getConnection().onComplete(this::connected);
        }

        private void connected(AsyncResult<SqlConnection> ar) {
            if (ar.failed()) {
                stopTimer();
                result.completeExceptionally(new ResolverFailure(describe(ar.cause())));
                return;
            }
            SqlConnection conn = ar.result();
            boolean wanted;
            synchronized (this) {
                wanted = !timedOut;
                if (wanted) {
                    connection = conn;
                }
            }
            if (!wanted) {
                conn.close(); // nobody waits any more: straight back to the pool
                return;
            }
            conn.preparedQuery(sql).execute(tuple).onComplete(this::answered);
        }

        private void answered(AsyncResult<RowSet<Row>> ar) {
            Future<Void> pendingCancel;
            SqlConnection conn;
            synchronized (this) {
                statementDone = true;
                pendingCancel = cancel;
                conn = connection;
            }
            stopTimer();
            if (pendingCancel == null) {
                conn.close();
            } else {
                pendingCancel.onComplete(ignored -> conn.close());
            }
            if (ar.failed()) {
                result.completeExceptionally(new ResolverFailure(describe(ar.cause())));
                return;
            }
            RowSet<Row> rows = ar.result();
            if (rows.size() > 1 && !many) {
                result.completeExceptionally(new ResolverFailure(
                        "query returned " + rows.size() + " rows; a resolver must return at most one row per input"));
                return;
            }
            List<Map<String, Object>> out = new ArrayList<>(rows.size());
            for (Row row : rows) {
                Map<String, Object> values = new HashMap<>(row.size() * 2);
                for (int i = 0; i < row.size(); i++) {
                    values.put(row.getColumnName(i), fromDriver(row.getValue(i)));
                }
                out.add(values);
            }
            result.complete(out);
        }

        private void timeOut(long timeoutMillis) {
            synchronized (this) {
                if (statementDone) {
                    return; // (the result may already be failed by the executor's backstop: still cancel)
                }
                timedOut = true;
                sendCancel();
            }
            result.completeExceptionally(new TimeoutException("no answer within " + timeoutMillis + " ms"));
        }

        /**
         * Asks the server to cancel the running statement (it then fails with SQLSTATE 57014 and
         * {@link #answered} releases the connection). PostgreSQL ignores a cancel that reaches the
         * backend between protocol messages (e.g. while the statement is still being prepared), so
         * while the statement has not ended the request is repeated a few times.
         */
        private void sendCancel() {
            // caller holds the lock
            if (statementDone || !(connection instanceof PgConnection pg) || cancelAttempts >= MAX_CANCEL_ATTEMPTS) {
                return;
            }
            cancelAttempts++;
            Future<Void> sent = pg.cancelRequest();
            cancel = sent;
            sent.onComplete(ignored -> vertx.setTimer(CANCEL_RETRY_MILLIS, t -> {
                synchronized (this) {
                    sendCancel();
                }
            }));
        }

        private void stopTimer() {
            long id;
            synchronized (this) {
                id = timerId;
            }
            if (id >= 0) {
                vertx.cancelTimer(id);
            }
        }
    }

    /** The pool of the PostgreSQL source a {@code many: true} resolver reads. */
    private Pool manyPool(FeatureGraph graph, ResolverNode resolver) {
        if (!(graph.sources().get(resolver.source()) instanceof SourceSpec.Postgres pg)) {
            throw new ResolverFailure("source " + resolver.source() + " is not a PostgreSQL source");
        }
        try {
            return pool(graph, pg);
        } catch (IllegalArgumentException e) {
            throw new ResolverFailure("source " + pg.name() + ": " + e.getMessage());
        }
    }

    private Pool pool(FeatureGraph graph, SourceSpec.Postgres pg) {
        ConnectionKey key = resolved.computeIfAbsent(new Scoped(secrets.environmentOf(graph), pg), this::connectionKey);
        return pools.computeIfAbsent(key, k -> {
            PgConnectOptions options = PgConnectOptions.fromUri(k.uri())
                    .setCachePreparedStatements(true)
                    .setPreparedStatementCacheMaxSize(512)
                    .setReconnectAttempts(0);
            if (k.username() != null) {
                options.setUser(k.username());
            }
            if (k.password() != null) {
                options.setPassword(k.password());
            }
            if (!k.uri().contains("application_name=")) {
                options.addProperty("application_name", "slate-resolver " + pg.name());
            }
            // Distinct metric names per source and per pool: pools sharing one name would register the
            // same Vert.x client and pool gauges (see the appliance's VertxClientGaugeFilter).
            options.setMetricsName("postgresql|source:" + pg.name());
            return PgBuilder.pool()
                    .with(new PoolOptions()
                            .setName("slate-source-" + pg.name() + "-" + poolSequence.incrementAndGet())
                            .setMaxSize(pg.maxConnections() > 0 ? pg.maxConnections() : 8)
                            .setMaxWaitQueueSize(10_000)
                            .setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, acquireTimeout.toMillis()))
                            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                            .setShared(false))
                    .connectingTo(options)
                    .using(vertx)
                    .build();
        });
    }

    private ConnectionKey connectionKey(Scoped scoped) {
        SourceSpec.Postgres pg = scoped.source();
        Optional<String> environment = scoped.environment();
        String url = secrets.resolve(environment, pg.url()).strip();
        if (url.startsWith("jdbc:")) {
            url = url.substring(5);
        }
        if (url.startsWith("postgres://")) {
            url = "postgresql://" + url.substring("postgres://".length());
        }
        if (!url.startsWith("postgresql://")) {
            throw new IllegalArgumentException("url must start with postgresql://");
        }
        return new ConnectionKey(
                url,
                pg.username().map(u -> secrets.resolve(environment, u)).orElse(null),
                pg.password().map(p -> secrets.resolve(environment, p)).orElse(null));
    }

    private static Object toBind(Object value) {
        if (value instanceof Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof List<?> l) {
            return l.toArray();
        }
        return value;
    }

    private static Object fromDriver(Object value) {
        if (value instanceof JsonArray a) {
            return a.getList();
        }
        if (value instanceof JsonObject o) {
            return o.encode();
        }
        return value;
    }

    private static String describe(Throwable t) {
        if (t instanceof PgException pg) {
            return pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Drops cached connection settings so that rotated secrets are picked up by new pools. */
    public void forgetResolvedSecrets() {
        resolved.clear();
    }

    @Override
    public void close() {
        pools.values().forEach(Pool::close);
        pools.clear();
    }

    /** A source as resolved for one environment: the same source may name other secrets' values in another. */
    private record Scoped(Optional<String> environment, SourceSpec.Postgres source) {}

    private record ConnectionKey(String uri, String username, String password) {
        @Override
        public String toString() {
            return "ConnectionKey[" + uri.replaceAll("//[^@/]*@", "//***@") + "]";
        }
    }
}
