package dev.slate.appliance.offline.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;
import org.awaitility.Awaitility;

/** The offline query API as a test uses it: deploy, ingest, submit, wait, read results (Parquet read back with DuckDB). */
final class OfflineQueryClient {

    static final String ENV = "X-Slate-Environment";
    static final String PROBLEM = "application/problem+json";
    static final String PARQUET = "application/vnd.apache.parquet";
    static final String PATH = "/v1/query/offline";

    static final String PROJECT = """
            project: offline
            entities:
              user:
                key: id
                features:
                  id: int
                  score: {type: float, ingested: true}
                  recent: {type: float, ingested: true, max_staleness: 10m}
                  segment: {type: string, ingested: true}
                  seen_at: {type: datetime, ingested: true}
              merchant:
                key: id
                features:
                  id: string
                  risk: {type: int, ingested: true}
            """;

    final String env;

    OfflineQueryClient(String env) {
        this.env = env;
    }

    void deploy() {
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", PROJECT), "activate", true))
                .post("/v1/deployments")
                .then()
                .statusCode(201);
    }

    /** Ingests rows into the offline store only; answers the deployment id. */
    String ingest(List<Map<String, Object>> rows) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("rows", rows, "store_online", false))
                .post("/v1/ingest")
                .then()
                .statusCode(200)
                .extract()
                .path("deployment_id");
    }

    ValidatableResponse submit(Object body) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(body)
                .post(PATH)
                .then();
    }

    ValidatableResponse submitParquet(Path spine, String query) throws Exception {
        return given().header(ENV, env)
                .contentType(PARQUET)
                .body(Files.readAllBytes(spine))
                .post(PATH + query)
                .then();
    }

    /** Submits and answers the job id, checking the 202 and its Location. */
    String submitOk(Object body) {
        Response r = given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(body)
                .post(PATH);
        r.then().statusCode(202);
        String id = r.jsonPath().getString("job_id");
        assertThat(r.header("Location")).endsWith(PATH + "/" + id);
        return id;
    }

    JsonPath status(String id) {
        return given().header(ENV, env)
                .get(PATH + "/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** Polls until the job has one of {@code statuses}; fails after 90 s. */
    JsonPath awaitStatus(String id, Set<String> statuses) {
        return Awaitility.await("job " + id + " reaches " + statuses)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> status(id), s -> statuses.contains(s.getString("status")));
    }

    JsonPath awaitFinished(String id) throws InterruptedException {
        return awaitStatus(id, Set.of("SUCCEEDED", "FAILED", "CANCELLED"));
    }

    JsonPath awaitSucceeded(String id) throws InterruptedException {
        JsonPath s = awaitFinished(id);
        assertThat(s.getString("status")).as("job %s: %s", id, s.prettify()).isEqualTo("SUCCEEDED");
        return s;
    }

    /** The JSON result's rows. */
    List<Map<String, Object>> jsonRows(String id) {
        return given().header(ENV, env)
                .get(PATH + "/" + id + "/result?format=json")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .extract()
                .jsonPath()
                .getList("rows");
    }

    /** The Parquet result, read back with DuckDB: column name → DuckDB type, and the rows (datetimes as epoch µs). */
    ParquetResult parquetRows(String id, Path dir) throws Exception {
        byte[] bytes = given().header(ENV, env)
                .get(PATH + "/" + id + "/result")
                .then()
                .statusCode(200)
                .contentType(PARQUET)
                .extract()
                .asByteArray();
        Path file = dir.resolve(id + ".parquet");
        Files.write(file, bytes);
        return readParquet(file);
    }

    record ParquetResult(Map<String, String> types, List<List<Object>> rows) {}

    /** The Arrow IPC result: column names, Arrow types, and the rows (datetimes as epoch µs, text as strings). */
    record ArrowResult(List<String> columns, List<String> types, List<List<Object>> rows) {}

    /** The result asked for with {@code Accept: application/vnd.apache.arrow.stream}, read with Arrow's stream reader. */
    ArrowResult arrowRows(String id) throws Exception {
        byte[] bytes = given().header(ENV, env)
                .accept("application/vnd.apache.arrow.stream")
                .get(PATH + "/" + id + "/result")
                .then()
                .statusCode(200)
                .contentType("application/vnd.apache.arrow.stream")
                .extract()
                .asByteArray();
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            List<String> columns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (Field f : root.getSchema().getFields()) {
                columns.add(f.getName());
                types.add(f.getType().toString());
            }
            List<List<Object>> rows = new ArrayList<>();
            while (reader.loadNextBatch()) {
                for (int r = 0; r < root.getRowCount(); r++) {
                    List<Object> row = new ArrayList<>();
                    for (FieldVector v : root.getFieldVectors()) {
                        Object value = v.getObject(r);
                        row.add(value instanceof Text text ? text.toString() : value);
                    }
                    rows.add(row);
                }
            }
            return new ArrowResult(columns, types, rows);
        }
    }

    static ParquetResult readParquet(Path file) throws Exception {
        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            Map<String, String> types = new LinkedHashMap<>();
            List<String> select = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
                while (rs.next()) {
                    String name = rs.getString("column_name");
                    String type = rs.getString("column_type");
                    types.put(name, type);
                    String quoted = '"' + name + '"';
                    select.add(type.startsWith("TIMESTAMP") ? "epoch_us(" + quoted + ")" : quoted);
                }
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs =
                    st.executeQuery("SELECT " + String.join(", ", select) + " FROM read_parquet('" + file + "')")) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return new ParquetResult(types, rows);
        }
    }

    /** Writes a Parquet file with DuckDB from a SELECT. */
    static void writeParquet(Path file, String select) throws Exception {
        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            st.execute("COPY (" + select + ") TO '" + file + "' (FORMAT PARQUET)");
        }
    }

    String featureVersion(String qualified) {
        return given().header(ENV, env)
                .get("/v1/features")
                .then()
                .statusCode(200)
                .extract()
                .path("features.find { it.name == '" + qualified + "' }.version");
    }
}
