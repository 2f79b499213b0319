package dev.slate.serving.model.parse;

import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.spec.EmbeddedText;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Maps the text of a YAML scalar back to file positions, line by line where the style allows it. */
final class YamlText {
    private YamlText() {}

    static EmbeddedText embedded(String file, String[] rawLines, ScalarNode node) {
        String text = node.getValue();
        int markLine = node.getStartMark().getLine();
        int markColumn = node.getStartMark().getColumn();
        ScalarStyle style = node.getScalarStyle();
        if (style == ScalarStyle.LITERAL) {
            String[] lines = text.split("\n", -1);
            int indent = blockIndent(rawLines, markLine, lines);
            List<SourceLocation> starts = new ArrayList<>(lines.length);
            for (int i = 0; i < lines.length; i++) {
                starts.add(new SourceLocation(file, markLine + 2 + i, indent + 1));
            }
            return new EmbeddedText(text, starts);
        }
        if (style == ScalarStyle.FOLDED) {
            return new EmbeddedText(text, List.of(new SourceLocation(file, markLine + 2, 0)));
        }
        boolean quoted = style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED;
        boolean oneLine = node.getEndMark() == null || node.getEndMark().getLine() == markLine;
        int column = oneLine ? markColumn + 1 + (quoted ? 1 : 0) : 0;
        return new EmbeddedText(text, List.of(new SourceLocation(file, markLine + 1, column)));
    }

    /** The indentation of a literal block: raw indentation minus the text's own, on the first non-blank line. */
    private static int blockIndent(String[] rawLines, int markLine, String[] lines) {
        for (int i = 0; i < lines.length; i++) {
            int raw = markLine + 1 + i;
            if (!lines[i].isBlank() && raw < rawLines.length) {
                return Math.max(0, leadingSpaces(rawLines[raw]) - leadingSpaces(lines[i]));
            }
        }
        return 0;
    }

    private static int leadingSpaces(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
