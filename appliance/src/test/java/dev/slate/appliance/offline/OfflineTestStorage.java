package dev.slate.appliance.offline;

import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Gives every application start of a test run its own empty offline store: an Iceberg catalog name,
 * warehouse, spool and jobs directory of its own (so concurrent runs against the shared test database
 * never see each other's tables), removed again when the application stops. Registered globally
 * through {@link OfflineTestStorageActivation}.
 */
public class OfflineTestStorage implements QuarkusTestResourceLifecycleManager {
    static final Path ROOT = Path.of(System.getProperty("user.dir"), "target", "slate-offline");

    private String catalog;
    private Path root;

    @Override
    public Map<String, String> start() {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        catalog = "slate_test_" + id;
        root = ROOT.resolve(id);
        return Map.of(
                "slate.offline.catalog-name", catalog,
                "slate.offline.warehouse", root.resolve("warehouse").toString(),
                "slate.offline.feature-log.spool-dir", root.resolve("spool").toString(),
                "slate.offline.jobs-dir", root.resolve("jobs").toString());
    }

    @Override
    public void stop() {
        if (catalog == null) {
            return;
        }
        try (Connection c = TestServers.postgres().connect()) {
            c.setAutoCommit(true);
            deleteRows(c, "delete from iceberg_tables where catalog_name = ?", catalog);
            deleteRows(c, "delete from iceberg_namespace_properties where catalog_name = ?", catalog);
            deleteRows(c, "delete from slate_offline_write_sequence where sequence_name like ?", catalog + ".%");
            // offline query jobs of this run: their files were under root, which goes next
            deleteRows(c, "delete from offline_query_jobs where runner like ?", root + "%");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot remove the offline test catalog " + catalog, e);
        }
        deleteTree(root);
    }

    private static void deleteRows(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, arg);
            st.executeUpdate();
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) { // undefined_table: nothing to clean on a fresh database
                throw e;
            }
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + root, e);
        }
    }
}
