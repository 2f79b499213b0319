package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** What a finished {@link PointInTimeExport} wrote: the output file, its rows (= spine rows) and size. */
public record ExportResult(Path output, long rows, long bytes) {
    public ExportResult {
        requireNonNull(output, "output is null");
    }
}
