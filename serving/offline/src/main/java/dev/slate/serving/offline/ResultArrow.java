package dev.slate.serving.offline;

import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.offline.PointInTimeExport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * A result file as an Arrow IPC stream ({@code application/vnd.apache.arrow.stream}, docs/specs/rest-contract.md):
 * the columns of the Parquet form, in its order and with its types, handed from DuckDB to Arrow through the Arrow C
 * data interface in record batches, never row by row through JDBC.
 */
final class ResultArrow {
    /** Rows per record batch, unless a caller asks for fewer. */
    static final int BATCH_ROWS = 65_536;

    private ResultArrow() {}

    static void write(
            OfflineDuckDb parquet, OfflineJob job, Path file, OutputStream out, long memoryLimit, int batchRows)
            throws IOException {
        List<String> columns = new ArrayList<>();
        for (OfflineQueryPlan.KeyColumn k : job.plan().keys()) {
            columns.add(k.name());
        }
        columns.add(PointInTimeExport.INPUT_TIME);
        for (OfflineQueryPlan.Output o : job.plan().outputs()) {
            columns.add(o.name());
        }
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            select.append(i == 0 ? "" : ", ").append(SqlQuoting.identifier(columns.get(i)));
        }
        select.append(" FROM read_parquet(").append(SqlQuoting.literal(file)).append(')');
        try (DuckDBConnection c = parquet.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(select.toString());
                BufferAllocator allocator = new RootAllocator(memoryLimit);
                ArrowReader reader =
                        (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, batchRows);
                ArrowStreamWriter writer =
                        new ArrowStreamWriter(reader.getVectorSchemaRoot(), null, Channels.newChannel(out))) {
            writer.start();
            while (reader.loadNextBatch()) {
                writer.writeBatch();
            }
            writer.end();
        } catch (SQLException e) {
            throw new IOException("cannot read the result file: " + e.getMessage(), e);
        }
    }
}
