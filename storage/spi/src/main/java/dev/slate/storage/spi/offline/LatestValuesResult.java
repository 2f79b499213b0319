package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How a {@link OfflineStore#latestValues} call ended.
 *
 * @param values how many values were delivered to the sink
 * @param marker pass it as {@link LatestValuesQuery#since()} next time to read only what was appended after
 *     this call's view of the store; empty when the store has never held anything (the next call reads all)
 */
public record LatestValuesResult(long values, Optional<String> marker) {
    public LatestValuesResult {
        requireNonNull(marker, "marker is null");
    }
}
