package dev.slate.serving.api.wiring;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Data-plane settings, prefix {@code slate.serving}. */
@ConfigMapping(prefix = "slate.serving")
public interface ServingConfig {

    /** How long one online-store read may take before the query proceeds as if nothing were cached. */
    @WithDefault("100ms")
    Duration storeReadTimeout();

    /** Most outputs one query may ask for. */
    @WithDefault("1000")
    int maxOutputs();

    /** Most inputs one query may give. */
    @WithDefault("1000")
    int maxInputs();

    /** Most rows one bulk query may have. */
    @WithDefault("10000")
    int maxBulkRows();

    /** Most rows one {@code POST /v1/ingest} may carry. */
    @WithDefault("50000")
    int maxIngestRows();

    /** Directory of secret files (one file per secret name), e.g. a mounted Kubernetes Secret. */
    Optional<Path> secretsDir();
}
