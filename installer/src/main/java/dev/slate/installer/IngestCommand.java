package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.installer.http.ApiResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Ingest feature values from a JSON or Parquet file (POST /v1/ingest).",
            "A JSON FILE is a list of rows [{\"user.id\": 1, \"user.credit_score\": 720.5, \"__ts__\": \"2026-01-01T00:00:00Z\"}, ...],",
            "an object {\"rows\": [...]}, or one row per line (.jsonl / .ndjson); it is sent in batches.",
            "A .parquet FILE has one column per feature or key name and optionally __ts__; it is uploaded whole, and the server",
            "validates every row before it stores any. __ts__ is when the values were true (default: now)."
        })
final class IngestCommand implements Callable<Integer> {

    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The rows: .json, .jsonl/.ndjson or .parquet.")
    Path file;

    @Option(names = "--online-only", description = "Write only to the online store.")
    boolean onlineOnly;

    @Option(
            names = "--offline-only",
            description = "Write only to the offline store (history; what is served does not change).")
    boolean offlineOnly;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "10000",
            description = "Rows per request (default: ${DEFAULT-VALUE}; the server takes at most 50,000).")
    int batchSize;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (onlineOnly && offlineOnly) {
            throw new CliException("--online-only and --offline-only exclude each other");
        }
        if (batchSize < 1) {
            throw new CliException("--batch-size must be positive");
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException("no such file " + file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet")) {
            return ingestParquet(out, err);
        }
        List<JsonNode> rows = read(name);
        if (rows.isEmpty()) {
            throw new CliException(file + " holds no rows");
        }
        long values = 0;
        long online = 0;
        long offline = 0;
        for (int from = 0; from < rows.size(); from += batchSize) {
            int to = Math.min(rows.size(), from + batchSize);
            ObjectNode body = root.mapper().createObjectNode();
            ArrayNode batch = body.putArray("rows");
            rows.subList(from, to).forEach(batch::add);
            body.put("store_online", !offlineOnly);
            body.put("store_offline", !onlineOnly);
            ApiResponse r = root.client().post("/v1/ingest", body);
            if (!r.isSuccess()) {
                err.println("rows " + from + ".." + (to - 1) + " were refused; " + from
                        + " rows before them were ingested");
                if (r.json().isPresent()) {
                    shiftRowNumbers(r.json().get(), from);
                }
                return root.json() ? Answers.printJson(r, root.mapper(), out) : Answers.printProblem(r, err);
            }
            JsonNode answer = r.json().orElseThrow(() -> Answers.notJson(r));
            values += answer.path("values").asLong();
            online += answer.path("online_writes").asLong();
            offline += answer.path("offline_values").asLong();
        }
        out.printf(
                Locale.ROOT,
                "ingested %,d rows: %,d values (%,d online, %,d offline)%n",
                rows.size(),
                values,
                online,
                offline);
        out.flush();
        return 0;
    }

    private int ingestParquet(PrintWriter out, PrintWriter err) {
        String query = "?store_online=" + !offlineOnly + "&store_offline=" + !onlineOnly;
        ApiResponse r = root.client().postFile("/v1/ingest" + query, "application/vnd.apache.parquet", file);
        if (!r.isSuccess()) {
            err.println(file + " was refused; nothing of it was stored unless the message says otherwise");
            return root.json() ? Answers.printJson(r, root.mapper(), out) : Answers.printProblem(r, err);
        }
        JsonNode answer = r.json().orElseThrow(() -> Answers.notJson(r));
        if (root.json()) {
            return Answers.printJson(r, root.mapper(), out);
        }
        out.printf(
                Locale.ROOT,
                "ingested %,d rows: %,d values (%,d online, %,d offline)%n",
                answer.path("rows").asLong(),
                answer.path("values").asLong(),
                answer.path("online_writes").asLong(),
                answer.path("offline_values").asLong());
        out.flush();
        return 0;
    }

    private List<JsonNode> read(String name) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            try (MappingIterator<JsonNode> it =
                    root.mapper().readerFor(JsonNode.class).readValues(file.toFile())) {
                while (it.hasNext()) {
                    rows.add(it.next());
                }
            }
            return rows;
        }
        JsonNode tree = root.mapper().readTree(file.toFile());
        JsonNode list = tree.isObject() && tree.has("rows") ? tree.get("rows") : tree;
        if (!list.isArray()) {
            throw new CliException(file + " must hold a list of rows or {\"rows\": [...]}");
        }
        list.forEach(rows::add);
        return rows;
    }

    /** The server numbers rows within a batch: make them file row numbers. */
    private static void shiftRowNumbers(JsonNode problem, int offset) {
        if (offset == 0 || !problem.path("errors").isArray()) {
            return;
        }
        for (JsonNode e : problem.get("errors")) {
            String field = e.path("field").asText("");
            if (e instanceof ObjectNode o && field.startsWith("rows[") && field.endsWith("]")) {
                try {
                    o.put("field", "rows[" + (Integer.parseInt(field.substring(5, field.length() - 1)) + offset) + "]");
                } catch (NumberFormatException ignored) {
                    // not a row number
                }
            }
        }
    }
}
