package dev.slate.storage.offline;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything {@link IcebergOfflineStore} needs.
 *
 * @param jdbcUrl the PostgreSQL database that holds the Iceberg catalog ({@code jdbc:postgresql://host:port/db})
 * @param jdbcUser database user
 * @param jdbcPassword database password; empty for trust or peer authentication
 * @param warehouse where data and metadata files go: an absolute local path or a {@code file:} location;
 *     tables live under {@code warehouse/<tableNamespace>/feature_log}
 * @param catalogName the Iceberg catalog name (the {@code catalog_name} column of the JDBC catalog tables): one
 *     PostgreSQL database can hold several catalogs
 * @param tableNamespace the Iceberg namespace of the feature-log table
 */
public record IcebergOfflineStoreConfig(
        String jdbcUrl,
        String jdbcUser,
        Optional<String> jdbcPassword,
        String warehouse,
        String catalogName,
        String tableNamespace) {

    public static final String DEFAULT_CATALOG_NAME = "slate";
    public static final String DEFAULT_TABLE_NAMESPACE = "slate";

    /** Names the store accepts for the catalog and the namespace (they become paths and SQL text). */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");

    /** Characters DuckDB would read as a glob in a file path. */
    private static final Pattern GLOB = Pattern.compile("[*?\\[\\]{}]");

    public IcebergOfflineStoreConfig {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        requireNonNull(jdbcUser, "jdbcUser is null");
        requireNonNull(jdbcPassword, "jdbcPassword is null");
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(catalogName, "catalogName is null");
        requireNonNull(tableNamespace, "tableNamespace is null");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("jdbcUrl must be a PostgreSQL JDBC URL (jdbc:postgresql://…)");
        }
        warehouse = normalizeWarehouse(warehouse);
        if (!NAME.matcher(catalogName).matches()) {
            throw new IllegalArgumentException(
                    "catalogName must match " + NAME.pattern() + ", got '" + catalogName + "'");
        }
        if (!NAME.matcher(tableNamespace).matches()) {
            throw new IllegalArgumentException(
                    "tableNamespace must match " + NAME.pattern() + ", got '" + tableNamespace + "'");
        }
    }

    /** A store with the default catalog name and table namespace. */
    public static IcebergOfflineStoreConfig of(
            String jdbcUrl, String jdbcUser, Optional<String> jdbcPassword, String warehouse) {
        return new IcebergOfflineStoreConfig(
                jdbcUrl, jdbcUser, jdbcPassword, warehouse, DEFAULT_CATALOG_NAME, DEFAULT_TABLE_NAMESPACE);
    }

    public IcebergOfflineStoreConfig withCatalogName(String name) {
        return new IcebergOfflineStoreConfig(jdbcUrl, jdbcUser, jdbcPassword, warehouse, name, tableNamespace);
    }

    public IcebergOfflineStoreConfig withTableNamespace(String namespace) {
        return new IcebergOfflineStoreConfig(jdbcUrl, jdbcUser, jdbcPassword, warehouse, catalogName, namespace);
    }

    /** The warehouse as a local directory. */
    public Path warehousePath() {
        return LocalFileIO.toPath(warehouse);
    }

    /** Accepts {@code /abs/path}, {@code file:/abs/path} or {@code file:///abs/path}; returns {@code file:/abs/path}. */
    private static String normalizeWarehouse(String warehouse) {
        if (warehouse.contains("://") && !warehouse.startsWith("file://")) {
            throw new IllegalArgumentException(
                    "warehouse must be a local path or a file: location (object stores are not supported yet), got '"
                            + warehouse + "'");
        }
        Path path = LocalFileIO.toPath(warehouse);
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("warehouse must be an absolute path, got '" + warehouse + "'");
        }
        String text = path.normalize().toString();
        if (GLOB.matcher(text).find()) {
            throw new IllegalArgumentException(
                    "warehouse path must not contain any of * ? [ ] { }, got '" + warehouse + "'");
        }
        return LocalFileIO.SCHEME + text;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "IcebergOfflineStoreConfig[jdbcUrl=" + jdbcUrl + ", jdbcUser=" + jdbcUser + ", jdbcPassword="
                + (jdbcPassword.isPresent() ? "***" : "<none>") + ", warehouse=" + warehouse + ", catalogName="
                + catalogName
                + ", tableNamespace=" + tableNamespace + "]";
    }
}
