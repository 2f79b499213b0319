package dev.slate.appliance.offline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Offline store and feature log settings, prefix {@code slate.offline}. */
@ConfigMapping(prefix = "slate.offline")
public interface OfflineConfig {

    /**
     * Where the Iceberg table's data and metadata files go (an absolute local or mounted path). Default:
     * {@code offline/warehouse} under {@code slate.home} (itself {@code ~/.slate} by default).
     */
    Optional<Path> warehouse();

    /** The Iceberg catalog name in the metadata database (one database can hold several catalogs). */
    @WithDefault("slate")
    String catalogName();

    /** The Iceberg namespace of the {@code feature_log} table. */
    @WithDefault("slate")
    String tableNamespace();

    FeatureLog featureLog();

    Compaction compaction();

    /** Where offline query jobs keep their spine and result files. Default: {@code offline/jobs} under {@code slate.home}. */
    Optional<Path> jobsDir();

    /** Most rows one offline query's spine may have. */
    @WithDefault("20000000")
    long maxSpineRows();

    /** Offline query jobs that run at once (each uses DuckDB's threads); the others wait in a queue. */
    @WithDefault("1")
    int queryWorkers();

    /** Most offline query jobs waiting to run; a submission beyond is refused (HTTP 429). */
    @WithDefault("100")
    int maxQueuedJobs();

    /** Spine rows one recomputing offline query runs at once (each row runs the resolvers its recomputed outputs need). */
    @WithDefault("8")
    int recomputeConcurrency();

    /** Most spine rows of an offline query that recomputes features (recomputing runs resolvers once per row). */
    @WithDefault("1000000")
    long maxRecomputeRows();

    /** How long a finished offline query job (record, spine and dataset) is kept; checked every hour. */
    @WithDefault("7d")
    Duration resultRetention();

    /** Largest Parquet spine upload ({@code POST /v1/query/offline} with {@code Content-Type: application/vnd.apache.parquet}). */
    @WithDefault("1073741824")
    long maxUploadBytes();

    /** Compaction of the feature log's small files and expiry of old snapshots (docs/operations.md, "Offline table upkeep"). */
    interface Compaction {
        /** Whether the appliance compacts and expires on its own. */
        @WithDefault("true")
        boolean enabled();

        /** Time between the end of one round and the start of the next. */
        @WithDefault("10m")
        Duration interval();

        /** A group of small files (one partition, feature version and type) is rewritten from this many files on. */
        @WithDefault("8")
        int minInputFiles();

        /** The size compacted files aim at; files under 75% of it are small. */
        @WithDefault("134217728")
        long targetFileSize();

        /**
         * How long a replaced snapshot stays readable. Reads of this appliance pin theirs; this must exceed the
         * longest read of the table by anything else (another replica's offline query, Spark, Trino).
         */
        @WithDefault("1h")
        Duration snapshotRetention();

        /** Snapshots always kept, whatever their age. */
        @WithDefault("5")
        int retainSnapshots();
    }

    interface FeatureLog {
        /** Whether values computed by online queries are logged to the offline store. */
        @WithDefault("true")
        boolean enabled();

        /** Local spool directory. Default: {@code offline/spool} under {@code slate.home}. */
        Optional<Path> spoolDir();

        /** Values that may wait in memory for the spool writer before new ones are dropped (and counted). */
        @WithDefault("1000000")
        int queueCapacity();

        /** Disk the unshipped backlog may use before new values are dropped (and counted). */
        @WithDefault("10737418240")
        long maxSpoolBytes();

        /** A spool segment is sealed and shipped at this size ... */
        @WithDefault("67108864")
        long segmentBytes();

        /** ... or this age. It bounds how soon a logged value is visible to offline queries. */
        @WithDefault("2s")
        Duration segmentMaxAge();

        /** How often written spool records are forced to the device. */
        @WithDefault("200ms")
        Duration syncInterval();

        /** Most values per offline-store append. */
        @WithDefault("100000")
        int shipBatchValues();
    }
}
