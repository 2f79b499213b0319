package dev.slate.offline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A schema of its own in the machine's PostgreSQL (database {@code test}) with the offline job tables made by the real
 * migrations, for one test: {@link #dataSource()} works in it, {@link #drop()} removes it.
 */
final class JobsSchema {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

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
        dataSource.setUrl(URL);
        dataSource.setUser("postgres");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + name);
            st.execute("SET search_path TO " + name);
            Path migrations = Path.of("../../control/src/main/resources/db/migration");
            st.execute(Files.readString(migrations.resolve("V10__offline_query_jobs.sql")));
            st.execute(Files.readString(migrations.resolve("V12__offline_query_feature_errors.sql")));
            for (String sql : extraSql) {
                st.execute(sql);
            }
        }
        dataSource.setCurrentSchema(name);
        return new JobsSchema(name, dataSource);
    }

    String name() {
        return name;
    }

    PGSimpleDataSource dataSource() {
        return dataSource;
    }

    void drop() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, "postgres", null); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + name + " CASCADE");
        }
    }
}
