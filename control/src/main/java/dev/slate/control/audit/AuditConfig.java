package dev.slate.control.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the audit log writer ({@code slate.audit.*}). */
@ConfigMapping(prefix = "slate.audit")
public interface AuditConfig {

    /** Entries waiting to be written; when the database is unreachable for long, newer entries are dropped (and counted). */
    @WithDefault("100000")
    int queueCapacity();

    /** Most entries written in one batch. */
    @WithDefault("500")
    int batchSize();

    /** How long the writer waits for more entries before it writes what it has. */
    @WithDefault("200ms")
    Duration flushInterval();
}
