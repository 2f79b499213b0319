package dev.slate.storage.offline;

import dev.slate.storage.testservers.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/** A catalog of its own in the test PostgreSQL ({@link TestServers}), with a temporary warehouse; removed by {@link #drop()}. */
final class TestCatalog {

    static final String JDBC_URL = TestServers.postgres().jdbcUrl();
    static final String JDBC_USER = TestServers.postgres().user();

    final Path warehouse;
    final IcebergOfflineStoreConfig config;

    TestCatalog() {
        try {
            warehouse = Files.createTempDirectory("slate-offline-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        config = new IcebergOfflineStoreConfig(
                JDBC_URL, JDBC_USER, Optional.empty(), warehouse.toString(), "slate_test_" + id, "ns_" + id);
    }

    IcebergOfflineStore open() {
        return new IcebergOfflineStore(config);
    }

    /** Drops the table, its namespace and write sequence, and deletes the warehouse directory. */
    void drop() throws IOException {
        try {
            open().dropTableAndClose();
        } finally {
            try (Stream<Path> files = Files.walk(warehouse)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
