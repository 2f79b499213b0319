package dev.slate.serving.model;

import static java.util.Objects.requireNonNull;

/** A place in a project file (1-based line and column; 0 when unknown). */
public record SourceLocation(String file, int line, int column) {
    public SourceLocation {
        requireNonNull(file, "file is null");
    }

    public static SourceLocation of(String file) {
        return new SourceLocation(file, 0, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + (column > 0 ? ":" + column : "") : file;
    }
}
