package dev.slate.serving.offline;

import dev.slate.storage.testservers.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A schema of its own in the test PostgreSQL ({@link TestServers}) with the offline job tables made by this module's
 * migrations, for one test: {@link #dataSource()} works in it, {@link #drop()} removes it.
 */
final class JobsSchema {

    /** This module's migrations (src/main/resources/db/migration), in version order. */
    static final List<String> MIGRATIONS =
            List.of("V10__offline_query_jobs.sql", "V12__offline_query_feature_errors.sql");

    private final String name;
    private final PGSimpleDataSource dataSource;

    private JobsSchema(String name, PGSimpleDataSource dataSource) {
        this.name = name;
        this.dataSource = dataSource;
    }

    /**
     * Creates the schema, runs the job migrations in it and then {@code extraSql} (test tables), each statement in order.
     *
     * @param prefix the start of the schema's name (a random suffix follows)
     */
    static JobsSchema create(String prefix, String... extraSql) throws Exception {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(TestServers.postgres().jdbcUrl());
        dataSource.setUser(TestServers.postgres().user());
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + name);
            st.execute("SET search_path TO " + name);
            for (String migration : MIGRATIONS) {
                st.execute(migration(migration));
            }
            for (String sql : extraSql) {
                st.execute(sql);
            }
        }
        dataSource.setCurrentSchema(name);
        return new JobsSchema(name, dataSource);
    }

    static String migration(String file) throws IOException {
        try (InputStream in = JobsSchema.class.getClassLoader().getResourceAsStream("db/migration/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no migration db/migration/" + file + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    String name() {
        return name;
    }

    PGSimpleDataSource dataSource() {
        return dataSource;
    }

    void drop() throws SQLException {
        try (Connection c = TestServers.postgres().connect();
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + name + " CASCADE");
        }
    }
}
