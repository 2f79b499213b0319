package dev.slate.storage.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class IcebergOfflineStoreConfigTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/slate";

    @Test
    void defaultsAndWarehouseForms() {
        IcebergOfflineStoreConfig c =
                IcebergOfflineStoreConfig.of(URL, "slate", Optional.empty(), "/var/lib/slate/offline/");
        assertThat(c.catalogName()).isEqualTo("slate");
        assertThat(c.tableNamespace()).isEqualTo("slate");
        assertThat(c.warehouse()).isEqualTo("file:/var/lib/slate/offline");
        assertThat(IcebergOfflineStoreConfig.of(URL, "u", Optional.empty(), "file:///data/w")
                        .warehouse())
                .isEqualTo("file:/data/w");
        assertThat(IcebergOfflineStoreConfig.of(URL, "u", Optional.empty(), "file:/data/w")
                        .warehousePath()
                        .toString())
                .isEqualTo("/data/w");
    }

    @Test
    void thePasswordIsNeverPrinted() {
        IcebergOfflineStoreConfig c = IcebergOfflineStoreConfig.of(URL, "slate", Optional.of("s3cr3t-pw"), "/w");
        assertThat(c.toString()).doesNotContain("s3cr3t-pw").contains("***");
    }

    @Test
    void invalidSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> IcebergOfflineStoreConfig.of("jdbc:mysql://x/y", "u", Optional.empty(), "/w"))
                .hasMessageContaining("PostgreSQL");
        assertThatThrownBy(() -> IcebergOfflineStoreConfig.of(URL, "u", Optional.empty(), "relative/dir"))
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> IcebergOfflineStoreConfig.of(URL, "u", Optional.empty(), "s3://bucket/w"))
                .hasMessageContaining("object stores");
        assertThatThrownBy(() -> IcebergOfflineStoreConfig.of(URL, "u", Optional.empty(), "/data/[x]"))
                .hasMessageContaining("must not contain");
        assertThatThrownBy(() -> IcebergOfflineStoreConfig.of(URL, "u", Optional.empty(), "/w")
                        .withCatalogName("a b"))
                .hasMessageContaining("catalogName");
        assertThatThrownBy(() -> IcebergOfflineStoreConfig.of(URL, "u", Optional.empty(), "/w")
                        .withTableNamespace("x'y"))
                .hasMessageContaining("tableNamespace");
    }
}
