package dev.slate.storage.spi;

/** A value does not fit the type it is meant to have. The message is safe to show to API callers. */
public final class ValueConversionException extends IllegalArgumentException {
    public ValueConversionException(String message) {
        super(message);
    }
}
