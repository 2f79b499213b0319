package dev.slate.installer.render;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row and rows of cells, columns padded to their widest cell and
 * joined by a separator. The last column is never padded (no trailing blanks).
 */
public final class Table {
    private final List<String> header;
    private final String separator;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<String> header, String separator) {
        this.header = List.copyOf(header);
        this.separator = requireNonNull(separator, "separator is null");
    }

    /** Columns joined by {@code " | "}. */
    public static Table piped(String... header) {
        return new Table(List.of(header), " | ");
    }

    /** Columns joined by two blanks. */
    public static Table spaced(String... header) {
        return new Table(List.of(header), "  ");
    }

    public Table row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>(cells.length);
        for (String cell : cells) {
            row.add(cell == null ? "" : oneLine(cell));
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public String render() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, header, widths);
        for (List<String> row : rows) {
            appendRow(out, row, widths);
        }
        return out.toString();
    }

    private void appendRow(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(separator);
            }
            String cell = cells.get(i);
            line.append(cell);
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - cell.length()));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String oneLine(String cell) {
        return cell.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }
}
