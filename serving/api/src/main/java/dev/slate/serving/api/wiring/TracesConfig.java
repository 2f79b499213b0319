package dev.slate.serving.api.wiring;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The per-query trace store, prefix {@code slate.traces} (docs/specs/query-trace.md). */
@ConfigMapping(prefix = "slate.traces")
public interface TracesConfig {

    /** Whether online queries record traces at all. */
    @WithDefault("true")
    boolean enabled();

    /** Every query's trace is kept at least this long (unless more than {@code max-recent} arrive within it). */
    @WithDefault("10m")
    Duration keepAll();

    /** Most traces kept within {@code keep-all}; beyond it the oldest leave early (memory stays bounded). */
    @WithDefault("100000")
    int maxRecent();

    /** Most older traces kept because they had an error, were slow or were sampled. */
    @WithDefault("10000")
    int maxRetained();

    /** Share of ordinary traces kept beyond {@code keep-all} (0 to 1). */
    @WithDefault("0.01")
    double sampleRate();

    /** Queries slower than this keep their trace beyond {@code keep-all}. */
    @WithDefault("100ms")
    Duration slowThreshold();

    /** Most spans one trace keeps (a bulk query has one per row and step); the rest are counted. */
    @WithDefault("1000")
    int maxSpans();
}
