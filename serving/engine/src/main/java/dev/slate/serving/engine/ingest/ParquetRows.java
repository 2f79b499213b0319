package dev.slate.serving.engine.ingest;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.storage.duckdb.DuckDbValues;
import dev.slate.storage.duckdb.EmbeddedDuckDb;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBDriver;

/**
 * An uploaded Parquet file read for ingest, a batch of rows at a time, through its own in-memory DuckDB
 * (no extension is installed or loaded; results are streamed, so a file larger than memory is fine). Each
 * row becomes a map of column name to value in Slate's Java representation; a null cell is left out of
 * the row (Parquet cannot tell "no value" from "null", and ingest treats a missing column as "not
 * observed in this row").
 */
final class ParquetRows implements AutoCloseable {

    /** Receives one batch: the index of its first row in the file, and its rows. */
    @FunctionalInterface
    interface BatchConsumer {
        void accept(long firstRow, List<Map<String, Object>> rows);
    }

    private final Path file;
    private final EmbeddedDuckDb duckDb;
    private final List<String> columns;
    private final List<String> types;

    private ParquetRows(Path file, EmbeddedDuckDb duckDb, List<String> columns, List<String> types) {
        this.file = file;
        this.duckDb = duckDb;
        this.columns = columns;
        this.types = types;
    }

    /** Opens {@code file}; a file DuckDB cannot read as Parquet is a 400 {@code INVALID_QUERY} with DuckDB's reason. */
    static ParquetRows open(Path file) {
        EmbeddedDuckDb db = null;
        try {
            db = EmbeddedDuckDb.open(
                    null,
                    "slate-ingest-duckdb-",
                    Map.of("memory_limit", "512MB", "threads", "1", DuckDBDriver.JDBC_STREAM_RESULTS, "true"));
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            try (PreparedStatement ps = db.root().prepareStatement("DESCRIBE SELECT * FROM read_parquet(?)")) {
                ps.setString(1, file.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                        types.add(rs.getString(2));
                    }
                }
            }
            return new ParquetRows(file, db, List.copyOf(names), List.copyOf(types));
        } catch (SQLException e) {
            if (db != null) {
                db.close();
            }
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "the upload is not a readable Parquet file: " + firstLine(e.getMessage()),
                    e);
        }
    }

    List<String> columns() {
        return columns;
    }

    /** Reads the whole file in order, {@code batchRows} rows at a time; answers the number of rows read. */
    long forEachBatch(int batchRows, BatchConsumer consumer) {
        long row = 0;
        try (PreparedStatement ps = duckDb.root().prepareStatement("SELECT * FROM read_parquet(?)")) {
            ps.setString(1, file.toString());
            try (ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> batch = new ArrayList<>(batchRows);
                long first = 0;
                while (rs.next()) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        Object v = DuckDbValues.read(rs, i + 1, types.get(i));
                        if (v != null) {
                            values.put(columns.get(i), v);
                        }
                    }
                    batch.add(values);
                    row++;
                    if (batch.size() == batchRows) {
                        consumer.accept(first, batch);
                        batch = new ArrayList<>(batchRows);
                        first = row;
                    }
                }
                if (!batch.isEmpty()) {
                    consumer.accept(first, batch);
                }
            }
        } catch (SQLException e) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "the Parquet upload could not be read past row " + row + ": " + firstLine(e.getMessage()),
                    e);
        }
        return row;
    }

    @Override
    public void close() {
        duckDb.close();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        String line = s.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }
}
