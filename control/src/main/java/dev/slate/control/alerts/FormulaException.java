package dev.slate.control.alerts;

/** A formula that cannot be parsed, with the position (0-based) where it went wrong. */
public final class FormulaException extends RuntimeException {
    private final int position;

    FormulaException(int position, String message) {
        super(message + " (at position " + position + ")");
        this.position = position;
    }

    public int position() {
        return position;
    }
}
