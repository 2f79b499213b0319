package dev.slate.serving.source.duckdb;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.exec.BatchedAnswer;
import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.SourceSpec;
import dev.slate.serving.model.sql.SqlStatement;
import dev.slate.storage.duckdb.DuckDbValues;
import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureType;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.duckdb.DuckDBConnection;

/**
 * Runs SQL resolvers on {@code kind: parquet} sources with an embedded, in-memory DuckDB. The resolver's SQL
 * is DuckDB SQL over a view named after the source ({@code FROM users} for source {@code users}) of the
 * source's files; {@code :name} parameters are bound as prepared-statement parameters, never spliced.
 *
 * <p>JDBC blocks, so runs never touch the caller's thread (an event loop): they go to a bounded pool of
 * worker threads. Each worker keeps its own DuckDB connection per source (holding the view) and the prepared
 * statements of the resolvers it ran, so the SQL is parsed and planned once per worker. A full queue fails the
 * run at once. Each run enforces the resolver's timeout: when it expires the stage fails with a
 * {@link TimeoutException} and a statement still running is cancelled ({@link Statement#cancel()}), which
 * frees the worker.
 *
 * <p>Confinement: the database may touch files only under the Parquet root (DuckDB's
 * {@code allowed_directories} with {@code enable_external_access = false}, then {@code lock_configuration}),
 * so a resolver's SQL cannot read other files with {@code read_csv('/etc/...')} or similar; the source's own
 * files are checked to stay inside the root with symbolic links resolved ({@link ParquetSourceFiles}).
 */
public final class DuckDbResolverRunner implements ResolverRunner, AutoCloseable {

    /**
     * Settings.
     *
     * @param parquetRoot the folder Parquet source paths are relative to
     * @param workers worker threads (each with its own connections)
     * @param queueCapacity runs that may wait for a worker before new ones are refused
     * @param fileListRefresh how long a source's list of files is used before it is looked up again
     * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 1GB}
     */
    public record Settings(
            Path parquetRoot, int workers, int queueCapacity, Duration fileListRefresh, String memoryLimit) {
        public Settings {
            requireNonNull(parquetRoot, "parquetRoot is null");
            requireNonNull(fileListRefresh, "fileListRefresh is null");
            requireNonNull(memoryLimit, "memoryLimit is null");
            if (workers < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("workers and queueCapacity must be at least 1");
            }
            if (!memoryLimit.matches("[0-9]+(\\.[0-9]+)?\\s*[A-Za-z]{0,3}")) {
                throw new IllegalArgumentException(
                        "memoryLimit must look like 1GB or 512MB, not '" + memoryLimit + "'");
            }
        }

        public static Settings defaults(Path parquetRoot) {
            return new Settings(parquetRoot, 2, 10_000, Duration.ofSeconds(5), "1GB");
        }
    }

    private static final int MAX_CONNECTIONS_PER_WORKER = 64;
    private static final int MAX_STATEMENTS_PER_CONNECTION = 256;

    private final Settings settings;
    private final ParquetSourceFiles files;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timers;
    private final ThreadLocal<WorkerState> workerState = new ThreadLocal<>();
    private final List<WorkerState> allStates = Collections.synchronizedList(new ArrayList<>());
    private final Object databaseLock = new Object();
    private EmbeddedDuckDb database; // opened on first use
    private volatile boolean closed;

    public DuckDbResolverRunner(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.files = new ParquetSourceFiles(settings.parquetRoot(), settings.fileListRefresh(), System::nanoTime);
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(
                settings.workers(),
                settings.workers(),
                1,
                TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(settings.queueCapacity()),
                r -> {
                    Thread t = new Thread(r, "slate-duckdb-resolver-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.AbortPolicy());
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "slate-duckdb-resolver-timeouts");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.timers = timer;
    }

    /** The folder Parquet source paths are relative to. */
    public Path parquetRoot() {
        return files.root();
    }

    @Override
    public CompletionStage<Map<String, Object>> run(FeatureGraph graph, ResolverNode resolver, Object[] parameters) {
        SourceSpec source = graph.sources().get(resolver.source());
        if (!(source instanceof SourceSpec.Parquet parquet)) {
            return CompletableFuture.failedFuture(
                    new ResolverFailure("source " + resolver.source() + " is not a Parquet source"));
        }
        Object[] bound = parameters.clone();
        return submit(new Run<>(parquet, resolver, resolver.positionalSql(), (c, ps) -> {
            bind(c, ps, bound);
            return readOneRow(ps);
        }));
    }

    /**
     * Runs the resolver once for all rows of a bulk query, as one statement (docs/specs/resolver-batching.md): the
     * parameter values travel as one bound list per parameter, unnested side by side with their row numbers, and the
     * resolver's SQL runs as a {@code LATERAL} subquery per row. A resolver DuckDB cannot run that way (its binder
     * refuses the lateral form) runs row by row from then on.
     */
    @Override
    public CompletionStage<List<BatchedAnswer>> runBatch(
            FeatureGraph graph, ResolverNode resolver, List<Object[]> parameterRows) {
        SourceSpec source = graph.sources().get(resolver.source());
        String sql = source instanceof SourceSpec.Parquet ? batchSql(graph, resolver) : null;
        if (sql == null || parameterRows.size() < 2) {
            return ResolverRunner.super.runBatch(graph, resolver, parameterRows);
        }
        int n = resolver.parameters().size();
        List<String> types = new ArrayList<>(n);
        for (FeatureId p : resolver.parameters()) {
            types.add(elementType(graph.features().get(p).type()));
        }
        CompletableFuture<List<BatchedAnswer>> batch =
                submit(new Run<>((SourceSpec.Parquet) source, resolver, sql, (c, ps) -> {
                    for (int p = 0; p < n; p++) {
                        Object[] column = new Object[parameterRows.size()];
                        for (int r = 0; r < column.length; r++) {
                            Object v = parameterRows.get(r)[p];
                            column[r] = v instanceof Instant i ? i.atOffset(ZoneOffset.UTC) : v;
                        }
                        ps.setObject(p + 1, c.createArrayOf(types.get(p), column));
                    }
                    Object[] rows = new Object[parameterRows.size()];
                    for (int r = 0; r < rows.length; r++) {
                        rows[r] = (long) r + 1;
                    }
                    ps.setObject(n + 1, c.createArrayOf("BIGINT", rows));
                    return BatchedAnswer.ofTaggedRows(readRows(ps), parameterRows.size(), BATCH_ROW);
                }));
        return batch.handle((answers, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(answers);
                    }
                    Throwable cause =
                            failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
                    if (cause instanceof ResolverFailure f
                            && NOT_BATCHABLE.matcher(f.getMessage()).find()) {
                        batchStatements.put(resolver, Optional.empty());
                        return ResolverRunner.super
                                .runBatch(graph, resolver, parameterRows)
                                .toCompletableFuture();
                    }
                    return CompletableFuture.<List<BatchedAnswer>>failedFuture(cause);
                })
                .thenCompose(Function.identity());
    }

    /** DuckDB refused the statement as written (binder, parser or a form it does not implement). */
    private static final Pattern NOT_BATCHABLE =
            Pattern.compile("^(Binder Error|Parser Error|Not implemented Error|Catalog Error)");

    /** The name of the row-number column of a batched statement: quoted, with spaces, so no resolver column can collide. */
    private static final String BATCH_ROW = "slate batch row";

    private final Map<ResolverNode, Optional<String>> batchStatements =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** True when {@code resolver}'s bulk runs use the batched statement (false before its first one, or when refused). */
    boolean runsBatched(ResolverNode resolver) {
        Optional<String> sql = batchStatements.get(resolver);
        return sql != null && sql.isPresent();
    }

    /** The batched statement of a resolver, or null when it cannot be batched (no parameter, a list parameter). */
    private String batchSql(FeatureGraph graph, ResolverNode resolver) {
        return batchStatements
                .computeIfAbsent(resolver, r -> {
                    if (r.parameters().isEmpty()) {
                        return Optional.empty();
                    }
                    StringBuilder unnest = new StringBuilder();
                    for (int p = 0; p < r.parameters().size(); p++) {
                        FeatureNode node = graph.features().get(r.parameters().get(p));
                        String type = node == null ? null : elementType(node.type());
                        if (type == null) {
                            return Optional.empty();
                        }
                        unnest.append("unnest($")
                                .append(p + 1)
                                .append("::")
                                .append(type)
                                .append("[]) AS slate_p")
                                .append(p + 1)
                                .append(", ");
                    }
                    unnest.append("unnest($")
                            .append(r.parameters().size() + 1)
                            .append("::BIGINT[]) AS \"")
                            .append(BATCH_ROW)
                            .append('"');
                    String inner = SqlStatement.analyze(r.sql())
                            .withParameters(i -> "slate_batch.slate_p" + i)
                            .strip();
                    if (inner.endsWith(";")) {
                        inner = inner.substring(0, inner.length() - 1);
                    }
                    return Optional.of("SELECT slate_batch.\"" + BATCH_ROW + "\", slate_r.* FROM (SELECT " + unnest
                            + ") AS slate_batch CROSS JOIN LATERAL (" + inner + "\n) AS slate_r");
                })
                .orElse(null);
    }

    /** The DuckDB type of a parameter of {@code type}, or null for a list (not batched). */
    private static String elementType(FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar.INT -> "BIGINT";
            case FeatureType.Scalar.FLOAT -> "DOUBLE";
            case FeatureType.Scalar.STRING -> "VARCHAR";
            case FeatureType.Scalar.BOOL -> "BOOLEAN";
            case FeatureType.Scalar.DATETIME -> "TIMESTAMPTZ";
            case FeatureType.Scalar.DATE -> "DATE";
            case FeatureType.ListOf ignored -> null;
        };
    }

    private <T> CompletableFuture<T> submit(Run<T> run) {
        if (closed) {
            return CompletableFuture.failedFuture(new ResolverFailure("the Parquet resolver runner is shut down"));
        }
        long timeoutMillis = Math.max(1, run.resolver.timeout().toMillis());
        run.timer = timers.schedule(() -> run.timeOut(timeoutMillis), timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            workers.execute(run::execute);
        } catch (RejectedExecutionException e) {
            run.timer.cancel(false);
            return CompletableFuture.failedFuture(new ResolverFailure(
                    "too many Parquet resolver runs are waiting (" + settings.queueCapacity() + "); try again later"));
        }
        return run.result;
    }

    /** What a run does with its prepared statement: bind, execute, read. */
    @FunctionalInterface
    private interface Body<T> {
        T apply(DuckDBConnection connection, PreparedStatement statement) throws SQLException;
    }

    /**
     * One execution. It moves QUEUED → RUNNING → DONE on the worker, or to TIMED_OUT on the timer thread; the
     * moves happen under the object's lock, so a statement is cancelled only while it runs, and a worker never
     * starts a run whose caller has given up.
     */
    private final class Run<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final SourceSpec.Parquet source;
        final ResolverNode resolver;
        final String sql;
        final Body<T> body;
        volatile ScheduledFuture<?> timer;
        private boolean started;
        private boolean finished;
        private boolean timedOut;
        private PreparedStatement running;
        private boolean cancelled;

        Run(SourceSpec.Parquet source, ResolverNode resolver, String sql, Body<T> body) {
            this.source = source;
            this.resolver = resolver;
            this.sql = sql;
            this.body = body;
        }

        void execute() {
            synchronized (this) {
                if (timedOut) {
                    return; // the caller has given up while it waited for a worker
                }
                started = true;
            }
            SourceConnection connection = null;
            PreparedStatement statement = null;
            try {
                connection = state().connection(source, files.files(source));
                statement = connection.statement(sql);
                synchronized (this) {
                    if (timedOut) {
                        return;
                    }
                    running = statement;
                }
                T answer = body.apply(connection.connection, statement);
                finish();
                result.complete(answer);
            } catch (ResolverFailure e) {
                finish();
                result.completeExceptionally(e);
            } catch (SQLException | RuntimeException e) {
                if (finish()) {
                    // cancelled at the timeout: the caller is told of the timeout (by whichever thread gets there
                    // first)
                    result.completeExceptionally(new TimeoutException(
                            "no answer within " + resolver.timeout().toMillis() + " ms"));
                    return;
                }
                if (connection != null && statement != null && isMissingFile(e)) {
                    files.forget(source); // a file went away: look the files up again next time
                }
                result.completeExceptionally(new ResolverFailure(describe(e)));
            } finally {
                if (statement != null && cancelledStatement()) {
                    connection.evict(sql); // DuckDB closes a cancelled statement
                }
                ScheduledFuture<?> t = timer;
                if (t != null) {
                    t.cancel(false);
                }
            }
        }

        /** Marks the run done; returns whether its statement was cancelled. */
        private synchronized boolean finish() {
            finished = true;
            running = null;
            return cancelled;
        }

        private synchronized boolean cancelledStatement() {
            return cancelled;
        }

        void timeOut(long timeoutMillis) {
            synchronized (this) {
                if (finished) {
                    return;
                }
                timedOut = true;
                if (running != null) {
                    cancelled = true;
                    try {
                        running.cancel();
                    } catch (SQLException e) {
                        // the statement ended on its own meanwhile
                    }
                }
            }
            boolean waited;
            synchronized (this) {
                waited = !started;
            }
            result.completeExceptionally(new TimeoutException(
                    "no answer within " + timeoutMillis + " ms" + (waited ? " (still waiting for a worker)" : "")));
        }
    }

    private static boolean isMissingFile(Exception e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No files found")
                || m.contains("No such file")
                || m.contains("Cannot open file")
                || m.contains("does not exist");
    }

    // ---- per worker: connections, views, prepared statements -------------------------------------

    private WorkerState state() {
        WorkerState s = workerState.get();
        if (s == null) {
            s = new WorkerState();
            workerState.set(s);
            allStates.add(s);
        }
        return s;
    }

    /** One worker's connections, one per source definition, least recently used first. */
    private final class WorkerState {
        private final LinkedHashMap<SourceSpec.Parquet, SourceConnection> connections =
                new LinkedHashMap<>(16, 0.75f, true);

        synchronized SourceConnection connection(SourceSpec.Parquet source, List<Path> sourceFiles)
                throws SQLException {
            SourceConnection c = connections.get(source);
            if (c != null && c.files.equals(sourceFiles)) {
                return c;
            }
            if (c != null) {
                connections.remove(source).close();
            }
            c = new SourceConnection(open(), sourceFiles);
            try {
                c.createView(source.name());
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connections.put(source, c);
            if (connections.size() > MAX_CONNECTIONS_PER_WORKER) {
                var eldest = connections.entrySet().iterator().next();
                eldest.getValue().close();
                connections.remove(eldest.getKey());
            }
            return c;
        }

        synchronized void close() {
            connections.values().forEach(SourceConnection::close);
            connections.clear();
        }
    }

    /** A connection holding one source's view, and the prepared statements of resolvers on it. */
    private static final class SourceConnection {
        final DuckDBConnection connection;
        final List<Path> files;
        private final LinkedHashMap<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true);

        SourceConnection(DuckDBConnection connection, List<Path> files) {
            this.connection = connection;
            this.files = files;
        }

        void createView(String name) throws SQLException {
            StringBuilder list = new StringBuilder("[");
            for (Path f : files) {
                if (list.length() > 1) {
                    list.append(", ");
                }
                list.append(SqlQuoting.literal(f.toString()));
            }
            list.append(']');
            String options = files.size() > 1 ? ", union_by_name = true" : "";
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE OR REPLACE TEMP VIEW " + SqlQuoting.identifier(name)
                        + " AS SELECT * FROM read_parquet(" + list + options + ")");
            }
        }

        PreparedStatement statement(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                statements.put(sql, ps);
                if (statements.size() > MAX_STATEMENTS_PER_CONNECTION) {
                    var eldest = statements.entrySet().iterator().next();
                    closeQuietly(eldest.getValue());
                    statements.remove(eldest.getKey());
                }
            }
            return ps;
        }

        void evict(String sql) {
            PreparedStatement ps = statements.remove(sql);
            if (ps != null) {
                closeQuietly(ps);
            }
        }

        void close() {
            statements.values().forEach(SourceConnection::closeQuietly);
            statements.clear();
            try {
                connection.close();
            } catch (SQLException e) {
                // an in-memory connection: nothing to lose
            }
        }

        private static void closeQuietly(PreparedStatement ps) {
            try {
                ps.close();
            } catch (SQLException e) {
                // already closed (cancelled)
            }
        }
    }

    // ---- the database ------------------------------------------------------------------------------

    private DuckDBConnection open() throws SQLException {
        synchronized (databaseLock) {
            if (closed) {
                throw new ResolverFailure("the Parquet resolver runner is shut down");
            }
            if (database == null) {
                database = openDatabase();
            }
            return database.connect();
        }
    }

    private EmbeddedDuckDb openDatabase() throws SQLException {
        Path realRoot = files.realRoot();
        EmbeddedDuckDb db = EmbeddedDuckDb.open(null, "slate-duckdb-resolvers-", Map.of());
        try (Statement st = db.root().createStatement()) {
            st.execute("SET memory_limit = " + SqlQuoting.literal(settings.memoryLimit()));
            st.execute("SET allowed_directories = [" + SqlQuoting.literal(realRoot + "/") + "]");
            st.execute("SET enable_external_access = false");
            st.execute("SET lock_configuration = true");
        } catch (SQLException e) {
            db.close();
            throw e;
        }
        return db;
    }

    // ---- parameters and values -----------------------------------------------------------------------

    private static void bind(DuckDBConnection c, PreparedStatement ps, Object[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            ps.setObject(i + 1, toBind(c, parameters[i]));
        }
    }

    private static Object toBind(DuckDBConnection c, Object value) throws SQLException {
        return switch (value) {
            case null -> null;
            case Instant i -> i.atOffset(ZoneOffset.UTC);
            case List<?> l ->
                c.createArrayOf(
                        elementType(l),
                        l.stream()
                                .map(e -> e instanceof Instant i ? i.atOffset(ZoneOffset.UTC) : e)
                                .toArray());
            default -> value;
        };
    }

    private static String elementType(List<?> list) {
        for (Object e : list) {
            switch (e) {
                case null -> {}
                case Long ignored -> {
                    return "BIGINT";
                }
                case Double ignored -> {
                    return "DOUBLE";
                }
                case String ignored -> {
                    return "VARCHAR";
                }
                case Boolean ignored -> {
                    return "BOOLEAN";
                }
                case Instant ignored -> {
                    return "TIMESTAMPTZ";
                }
                case LocalDate ignored -> {
                    return "DATE";
                }
                default ->
                    throw new ResolverFailure("a list parameter of "
                            + e.getClass().getSimpleName() + " cannot be bound on a Parquet source");
            }
        }
        return "VARCHAR";
    }

    private static Map<String, Object> readOneRow(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Map.of();
            }
            Map<String, Object> values = readRow(rs, rs.getMetaData());
            if (rs.next()) {
                int n = 2;
                while (n < 1000 && rs.next()) {
                    n++;
                }
                throw new ResolverFailure("query returned " + (n >= 1000 ? "1000 or more" : n)
                        + " rows; a resolver must return at most one row per input");
            }
            return values;
        }
    }

    /** Every row the statement returns, column label → value (a batch's answer). */
    private static List<Map<String, Object>> readRows(PreparedStatement ps) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                out.add(readRow(rs, md));
            }
        }
        return out;
    }

    private static Map<String, Object> readRow(ResultSet rs, ResultSetMetaData md) throws SQLException {
        int columns = md.getColumnCount();
        Map<String, Object> values = new HashMap<>(columns * 4);
        for (int i = 1; i <= columns; i++) {
            Object v = DuckDbValues.read(rs, i, md.getColumnTypeName(i));
            String label = md.getColumnLabel(i);
            values.put(label, v);
            // DuckDB keeps the case of names as written; Slate reads unquoted names folded to lower case
            values.putIfAbsent(label.toLowerCase(Locale.ROOT), v);
        }
        return values;
    }

    private static String describe(Throwable t) {
        if (t instanceof ResolverFailure) {
            return t.getMessage();
        }
        String m = t.getMessage();
        if (m == null) {
            return t.getClass().getSimpleName();
        }
        // DuckDB messages repeat the statement with a caret under the error: the first line says it
        String first = m.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse(m);
        if (first.startsWith("Invalid Input Error: Attempting to execute an unsuccessful")) {
            first = m.strip()
                    .lines()
                    .skip(1)
                    .filter(l -> !l.isBlank())
                    .findFirst()
                    .orElse(first);
        }
        return first.length() > 500 ? first.substring(0, 500) + "..." : first;
    }

    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
        timers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (allStates) {
            allStates.forEach(WorkerState::close);
            allStates.clear();
        }
        synchronized (databaseLock) {
            if (database != null) {
                database.close(); // removes its temp directory too
                database = null;
            }
        }
    }

    @Override
    public String toString() {
        return "DuckDbResolverRunner[root=" + files.root() + ", workers=" + settings.workers() + "]";
    }
}
