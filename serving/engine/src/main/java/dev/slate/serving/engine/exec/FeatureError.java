package dev.slate.serving.engine.exec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.error.ErrorCode;

/** Why one feature of one row has no value. {@code resolver} is null for errors not tied to one. */
public record FeatureError(ErrorCode code, String resolver, String message) {
    public FeatureError {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
    }
}
