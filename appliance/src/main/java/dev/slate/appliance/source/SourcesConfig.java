package dev.slate.appliance.source;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of data sources that serving reads directly, prefix {@code slate.sources}. */
@ConfigMapping(prefix = "slate.sources")
public interface SourcesConfig {

    /**
     * The folder that {@code kind: parquet} source paths are relative to; nothing outside it is ever read.
     * Default: {@code sources} under {@code slate.home} (itself {@code ~/.slate} by default).
     */
    Optional<Path> parquetRoot();

    /** Threads that run SQL resolvers on Parquet sources (DuckDB blocks; never on an event loop). */
    @WithDefault("2")
    int parquetWorkers();

    /** Parquet resolver runs that may wait for a thread before new ones fail at once. */
    @WithDefault("10000")
    int parquetQueueCapacity();

    /** How long a Parquet source's list of files is used before the folder is looked at again. */
    @WithDefault("5s")
    Duration parquetFileListRefresh();

    /** DuckDB's memory limit for Parquet resolvers. */
    @WithDefault("1GB")
    String parquetMemoryLimit();
}
