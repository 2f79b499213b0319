package dev.slate.serving.model;

import dev.slate.storage.spi.FeatureType;

/**
 * Feature types as written in project files. Use this rather than {@code FeatureType.name()}: on the
 * scalar enum that is {@link Enum#name()} ({@code INT}), not the spelling ({@code int}).
 */
public final class FeatureTypes {
    private FeatureTypes() {}

    /** {@code int}, {@code float}, ..., {@code list<string>}. */
    public static String spelling(FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s -> s.spelling();
            case FeatureType.ListOf l -> "list<" + spelling(l.element()) + ">";
        };
    }
}
