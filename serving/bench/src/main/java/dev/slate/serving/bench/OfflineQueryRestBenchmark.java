package dev.slate.serving.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;

/**
 * The offline query benchmark through the REST API (docs/benchmarks.md, "Offline query"): against a
 * running appliance, ingests {@code entities × 10 features × 10 observations} into the offline store
 * ({@code POST /v1/ingest}, {@code store_online: false}), uploads a Parquet spine of {@code spineRows}
 * rows ({@code POST /v1/query/offline}), follows the job and downloads the Parquet result, and reports
 * the ingest throughput and the end-to-end time of the query. Same data shape and spine as the store's
 * {@code OfflineExportBenchmark}. Run by {@code serving/bench/offline-rest.sh}.
 *
 * <p>{@code java … dev.slate.serving.bench.OfflineQueryRestBenchmark URL [entities] [spineRows] [workDir]}
 */
public final class OfflineQueryRestBenchmark {

    private static final int FEATURES = 10;
    private static final int OBSERVATIONS = 10;
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration STEP = Duration.ofHours(7);
    private static final int ROWS_PER_INGEST = 20_000;
    private static final String ENV = "bench-offline";

    private OfflineQueryRestBenchmark() {}

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        Loopback.require("url", url.getHost());
        int entities = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int spineRows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Path work = Files.createDirectories(Path.of(args.length > 3 ? args[3] : "serving/bench/target/offline-rest"));
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        StringBuilder yaml = new StringBuilder(
                "project: bench_offline\nentities:\n  user:\n    key: id\n    features:\n      id: int\n");
        for (int f = 0; f < FEATURES; f++) {
            yaml.append("      f")
                    .append(f)
                    .append(": {type: ")
                    .append(f % 2 == 0 ? "float" : "int")
                    .append(", ingested: true")
                    .append(f % 3 == 0 ? ", max_staleness: 12h" : "")
                    .append("}\n");
        }
        JsonObject deploy = new JsonObject()
                .put("files", new JsonObject().put("slate.yaml", yaml.toString()))
                .put("activate", true);
        HttpResponse<String> deployed = send(http, post(url, "/v1/deployments", "application/json", deploy.encode()));
        check(deployed, "deploy");

        long values = (long) entities * FEATURES * OBSERVATIONS;
        System.out.printf(
                Locale.ROOT,
                "data: %,d entities x %d features x %d observations = %,d values; spine %,d rows; %d cores; load average %s%n",
                entities,
                FEATURES,
                OBSERVATIONS,
                values,
                spineRows,
                Runtime.getRuntime().availableProcessors(),
                loadAverage());
        Random random = new Random(7);
        long ingestNanos = 0;
        JsonArray rows = new JsonArray();
        for (int o = 0; o < OBSERVATIONS; o++) {
            for (int e = 0; e < entities; e++) {
                JsonObject row = new JsonObject()
                        .put("user.id", e)
                        .put(
                                "__ts__",
                                START.plus(STEP.multipliedBy(o))
                                        .plusSeconds(random.nextInt(3600))
                                        .toString());
                for (int f = 0; f < FEATURES; f++) {
                    row.put("user.f" + f, f % 2 == 0 ? (Object) random.nextDouble() : (Object) (long) random.nextInt());
                }
                rows.add(row);
                if (rows.size() == ROWS_PER_INGEST) {
                    ingestNanos += ingest(http, url, rows);
                    rows = new JsonArray();
                }
            }
        }
        if (!rows.isEmpty()) {
            ingestNanos += ingest(http, url, rows);
        }
        System.out.printf(
                Locale.ROOT,
                "ingest: %,d values in %.1f s = %,.0f values/s (POST /v1/ingest, %,d rows of 10 values per request,"
                        + " store_online false)%n",
                values,
                ingestNanos / 1e9,
                values / (ingestNanos / 1e9),
                ROWS_PER_INGEST);

        Path spine = work.resolve("spine.parquet");
        Class.forName("org.duckdb.DuckDBDriver");
        long from = START.getEpochSecond() * 1_000_000L;
        long span = STEP.multipliedBy(OBSERVATIONS + 1).toSeconds() * 1_000_000L;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            st.execute("SELECT setseed(0.42)");
            st.execute("COPY (SELECT CAST(floor(random() * " + (entities + entities / 10)
                    + ") AS BIGINT) AS \"user.id\", make_timestamptz(" + from + " + CAST(floor(random() * " + span
                    + ") AS BIGINT)) AS input_time FROM range(" + spineRows + ")) TO '" + spine + "' (FORMAT PARQUET)");
        }
        StringBuilder outputs = new StringBuilder();
        for (int f = 0; f < FEATURES; f++) {
            outputs.append(f == 0 ? "" : ",").append("user.f").append(f);
        }
        Path result = work.resolve("result.parquet");
        long t0 = System.nanoTime();
        HttpResponse<String> submitted = send(
                http,
                HttpRequest.newBuilder(url.resolve("/v1/query/offline?outputs=" + outputs + "&dataset_name=bench"))
                        .header("Content-Type", "application/vnd.apache.parquet")
                        .header("X-Slate-Environment", ENV)
                        .timeout(Duration.ofMinutes(10))
                        .POST(HttpRequest.BodyPublishers.ofFile(spine))
                        .build());
        check(submitted, "submit");
        long accepted = System.nanoTime();
        String id = new JsonObject(submitted.body()).getString("job_id");
        JsonObject job;
        while (true) {
            HttpResponse<String> status = send(
                    http,
                    HttpRequest.newBuilder(url.resolve("/v1/query/offline/" + id))
                            .header("X-Slate-Environment", ENV)
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build());
            check(status, "status");
            job = new JsonObject(status.body());
            String s = job.getString("status");
            if (s.equals("SUCCEEDED")) {
                break;
            }
            if (s.equals("FAILED") || s.equals("CANCELLED")) {
                throw new IllegalStateException("job " + id + " " + s + ": " + job.getString("error"));
            }
            Thread.sleep(50);
        }
        long succeeded = System.nanoTime();
        HttpResponse<Path> download = http.send(
                HttpRequest.newBuilder(url.resolve("/v1/query/offline/" + id + "/result?format=parquet"))
                        .header("X-Slate-Environment", ENV)
                        .timeout(Duration.ofMinutes(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofFile(result));
        if (download.statusCode() != 200) {
            throw new IllegalStateException("download: HTTP " + download.statusCode());
        }
        long done = System.nanoTime();
        long rowsOut;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + result + "')")) {
            rs.next();
            rowsOut = rs.getLong(1);
        }
        double total = (done - t0) / 1e9;
        Duration jobTime = Duration.between(
                Instant.parse(job.getString("started_at")), Instant.parse(job.getString("finished_at")));
        System.out.printf(
                Locale.ROOT,
                "offline query via REST (10 features, %,d-byte Parquet spine): upload+validate %.3f s, job %.3f s (worker), "
                        + "until SUCCEEDED %.3f s, download %.3f s (%,d bytes); end to end %.3f s = %,.0f spine rows/s; %,d result rows; load average %s%n",
                Files.size(spine),
                (accepted - t0) / 1e9,
                jobTime.toNanos() / 1e9,
                (succeeded - t0) / 1e9,
                (done - succeeded) / 1e9,
                Files.size(result),
                total,
                spineRows / total,
                rowsOut,
                loadAverage());
        if (rowsOut != spineRows) {
            throw new IllegalStateException("the result has " + rowsOut + " rows, the spine " + spineRows);
        }
    }

    private static long ingest(HttpClient http, URI url, JsonArray rows) throws Exception {
        String body =
                new JsonObject().put("rows", rows).put("store_online", false).encode();
        long t0 = System.nanoTime();
        check(send(http, post(url, "/v1/ingest", "application/json", body)), "ingest");
        return System.nanoTime() - t0;
    }

    private static HttpRequest post(URI url, String path, String type, String body) {
        return HttpRequest.newBuilder(url.resolve(path))
                .header("Content-Type", type)
                .header("X-Slate-Environment", ENV)
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void check(HttpResponse<String> r, String what) {
        if (r.statusCode() / 100 != 2) {
            String body = r.body();
            throw new IllegalStateException(
                    what + ": HTTP " + r.statusCode() + ": " + (body.length() > 500 ? body.substring(0, 500) : body));
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }
}
