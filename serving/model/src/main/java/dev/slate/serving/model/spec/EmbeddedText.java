package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.SourceLocation;
import java.util.List;

/**
 * Text embedded in a project file (SQL, an expression) with where each of its lines starts in the
 * file, so that a problem inside the text points at the right file line.
 *
 * @param lineStarts where line {@code i} (0-based) of {@code text} starts in the file; lines past the
 *     end of the list map to the last known start; a start with column 0 means the columns of that
 *     line are not known (folded YAML scalars), and every offset on it maps to the start
 */
public record EmbeddedText(String text, List<SourceLocation> lineStarts) {
    public EmbeddedText {
        requireNonNull(text, "text is null");
        lineStarts = List.copyOf(lineStarts);
        if (lineStarts.isEmpty()) {
            throw new IllegalArgumentException("lineStarts is empty");
        }
    }

    /** Text that starts at one place and whose lines follow one another in the file (a .sql file, a literal block). */
    public static EmbeddedText contiguous(String text, SourceLocation start) {
        int lines = (int) text.chars().filter(c -> c == '\n').count() + 1;
        SourceLocation[] starts = new SourceLocation[lines];
        for (int i = 0; i < lines; i++) {
            starts[i] = i == 0 ? start : new SourceLocation(start.file(), start.line() + i, 1);
        }
        return new EmbeddedText(text, List.of(starts));
    }

    /** Where the text starts. */
    public SourceLocation start() {
        return lineStarts.getFirst();
    }

    /** The file location of a character offset into {@code text}. */
    public SourceLocation locate(int offset) {
        int line = 0;
        int lineStart = 0;
        int end = Math.min(Math.max(offset, 0), text.length());
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return locate(line, end - lineStart);
    }

    /** The file location of a 0-based line and column within {@code text}. */
    public SourceLocation locate(int line, int column) {
        if (line >= lineStarts.size()) {
            return lineStarts.getLast();
        }
        SourceLocation s = lineStarts.get(Math.max(line, 0));
        if (s.line() <= 0 || s.column() <= 0) {
            return s; // column unknown (e.g. a folded YAML scalar): point at the line
        }
        return new SourceLocation(s.file(), s.line(), Math.max(s.column(), 1) + Math.max(column, 0));
    }
}
