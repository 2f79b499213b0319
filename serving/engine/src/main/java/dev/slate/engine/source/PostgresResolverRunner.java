package dev.slate.engine.source;

import static java.util.Objects.requireNonNull;

import dev.slate.engine.exec.ResolverFailure;
import dev.slate.engine.exec.ResolverRunner;
import dev.slate.model.graph.FeatureGraph;
import dev.slate.model.graph.ResolverNode;
import dev.slate.model.spec.SourceSpec;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs SQL resolvers against PostgreSQL sources with the non-blocking Vert.x client. One pool per
 * distinct connection (after secret resolution), shared by every deployment that uses it; prepared
 * statements are cached per connection, so each resolver's SQL is parsed by PostgreSQL once.
 * Parameters are always bind parameters.
 */
public final class PostgresResolverRunner implements ResolverRunner, AutoCloseable {

    private final Vertx vertx;
    private final SecretResolver secrets;
    private final Map<ConnectionKey, Pool> pools = new ConcurrentHashMap<>();
    private final Map<SourceSpec.Postgres, ConnectionKey> resolved = new ConcurrentHashMap<>();

    public PostgresResolverRunner(Vertx vertx, SecretResolver secrets) {
        this.vertx = requireNonNull(vertx, "vertx is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
    }

    @Override
    public CompletionStage<Map<String, Object>> run(FeatureGraph graph, ResolverNode resolver, Object[] parameters) {
        SourceSpec source = graph.sources().get(resolver.source());
        if (!(source instanceof SourceSpec.Postgres pg)) {
            return CompletableFuture.failedFuture(new ResolverFailure("source " + resolver.source() + " is not a PostgreSQL source"));
        }
        Pool pool;
        try {
            pool = pool(pg);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ResolverFailure("source " + pg.name() + ": " + e.getMessage()));
        }
        Tuple tuple = Tuple.tuple();
        for (Object p : parameters) {
            tuple.addValue(toBind(p));
        }
        CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
        pool.preparedQuery(resolver.positionalSql()).execute(tuple).onComplete(ar -> {
            if (ar.failed()) {
                result.completeExceptionally(new ResolverFailure(describe(ar.cause())));
                return;
            }
            RowSet<Row> rows = ar.result();
            if (rows.size() > 1) {
                result.completeExceptionally(new ResolverFailure("query returned " + rows.size() + " rows; a resolver must return at most one row per input"));
                return;
            }
            if (rows.size() == 0) {
                result.complete(Map.of());
                return;
            }
            Row row = rows.iterator().next();
            Map<String, Object> values = new HashMap<>(row.size() * 2);
            for (int i = 0; i < row.size(); i++) {
                values.put(row.getColumnName(i), fromDriver(row.getValue(i)));
            }
            result.complete(values);
        });
        return result;
    }

    private Pool pool(SourceSpec.Postgres pg) {
        ConnectionKey key = resolved.computeIfAbsent(pg, this::connectionKey);
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
            return PgBuilder.pool()
                    .with(new PoolOptions().setMaxSize(pg.maxConnections() > 0 ? pg.maxConnections() : 8).setMaxWaitQueueSize(10_000).setShared(false))
                    .connectingTo(options)
                    .using(vertx)
                    .build();
        });
    }

    private ConnectionKey connectionKey(SourceSpec.Postgres pg) {
        String url = secrets.resolve(pg.url()).strip();
        if (url.startsWith("jdbc:")) {
            url = url.substring(5);
        }
        if (url.startsWith("postgres://")) {
            url = "postgresql://" + url.substring("postgres://".length());
        }
        if (!url.startsWith("postgresql://")) {
            throw new IllegalArgumentException("url must start with postgresql://");
        }
        return new ConnectionKey(url, pg.username().map(secrets::resolve).orElse(null), pg.password().map(secrets::resolve).orElse(null));
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
        if (value instanceof io.vertx.core.json.JsonArray a) {
            return a.getList();
        }
        if (value instanceof io.vertx.core.json.JsonObject o) {
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

    private record ConnectionKey(String uri, String username, String password) {
        @Override
        public String toString() {
            return "ConnectionKey[" + uri.replaceAll("//[^@/]*@", "//***@") + "]";
        }
    }

}
