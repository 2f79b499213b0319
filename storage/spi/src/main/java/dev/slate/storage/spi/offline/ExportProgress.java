package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

/**
 * How far a running export is: its stage and the fraction of the whole export done (0 to 1, never going
 * back), and the spine's size once it is known (-1 before).
 */
public record ExportProgress(Stage stage, double fraction, long spineRows) {

    public enum Stage {
        /** Reading the spine's shape and size. */
        READING_SPINE,
        /** Finding the data files that can hold matches. */
        PLANNING,
        /** Joining the spine with the observations and writing the output. */
        JOINING,
        /** The output is complete and in place. */
        DONE
    }

    public ExportProgress {
        requireNonNull(stage, "stage is null");
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be within 0..1, got " + fraction);
        }
    }
}
