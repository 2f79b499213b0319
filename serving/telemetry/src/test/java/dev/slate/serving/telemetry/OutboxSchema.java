package dev.slate.serving.telemetry;

import dev.slate.storage.testservers.TestServers;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The test PostgreSQL ({@link TestServers}) with a schema of its own holding {@code
 * usage_outbox} exactly as the module's migration creates it; dropped on {@link #close}.
 */
final class OutboxSchema implements AutoCloseable {

    private final String schema =
            "t_usage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final PGSimpleDataSource dataSource = new PGSimpleDataSource();

    OutboxSchema() throws Exception {
        dataSource.setURL(TestServers.postgres().jdbcUrl());
        dataSource.setUser(TestServers.postgres().user());
        dataSource.setCurrentSchema(schema);
        String ddl;
        try (InputStream in =
                OutboxSchema.class.getClassLoader().getResourceAsStream("db/migration/V14_11__usage_outbox.sql")) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("create schema " + schema);
            s.execute("set search_path = " + schema);
            s.execute(ddl);
        }
    }

    long count(String where) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("select count(*) from usage_outbox where " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("drop schema " + schema + " cascade");
        }
    }
}
