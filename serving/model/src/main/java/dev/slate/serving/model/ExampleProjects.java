package dev.slate.serving.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example projects shipped in this jar (under {@code slate/examples/}), for the demo, the docs
 * and tests.
 */
public final class ExampleProjects {
    private static final String FRAUD = "slate/examples/fraud/";
    private static final List<String> FRAUD_FILES = List.of("slate.yaml", "transactions.sql");
    private static final String FRAUD_SEED = "slate/examples/fraud-data/seed.sql";

    private ExampleProjects() {}

    /**
     * The files of the {@code fraud} project (relative path to content), ready for
     * {@link ProjectCompiler#compile}. Its source {@code appdb} reads its url and user name from
     * the secrets {@code fraud_db_url} (e.g. {@code postgresql://127.0.0.1:5432/fraud_app}) and
     * {@code fraud_db_user}; it has no password.
     */
    public static Map<String, String> fraud() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String f : FRAUD_FILES) {
            files.put(f, resource(FRAUD + f));
        }
        return files;
    }

    /**
     * SQL that creates and fills the demo database of the {@code fraud} project (tables
     * {@code users}, {@code credit_limits}, {@code transactions}; 1,000 users, 10,000 transactions in 2025 and 20,006 in the 30
     * days before seeding, for the windowed aggregations).
     * Deterministic and idempotent. Not part of the project.
     */
    public static String fraudSeedSql() {
        return resource(FRAUD_SEED);
    }

    private static String resource(String name) {
        try (InputStream in = ExampleProjects.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("example resource " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
