package dev.slate.serving.model;

import static java.util.Objects.requireNonNull;

/** One reason a project is invalid, with where it is. {@code code} is stable (e.g. UNKNOWN_TYPE, CYCLE). */
public record ProjectProblem(SourceLocation location, String code, String message) {
    public ProjectProblem {
        requireNonNull(location, "location is null");
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
        return location + ": " + code + ": " + message;
    }
}
