package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.installer.http.ApiResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "offline-query",
        mixinStandardHelpOptions = true,
        description = {
            "Build a point-in-time training set (POST /v1/query/offline): submit the spine, follow the job with a",
            "progress bar on stderr, download the dataset. Ctrl-C cancels the job.",
            "The spine is a Parquet file (columns named by entity key, e.g. user.id, and a timestamp column",
            "input_time) or a JSON file: {\"inputs\": {\"user.id\": [...]}, \"input_times\": [...]} or a list of rows",
            "[{\"user.id\": 1, \"input_time\": \"2026-01-01T00:00:00Z\"}, ...]."
        })
final class OfflineQueryCommand implements Callable<Integer> {
    static final String PATH = "/v1/query/offline";
    static final String PARQUET = "application/vnd.apache.parquet";

    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--spine",
            required = true,
            paramLabel = "FILE",
            description = "The spine: a .parquet or a .json file.")
    Path spine;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FEATURE",
            description = "An output feature, e.g. user.credit_score (repeatable).")
    List<String> outputs = new ArrayList<>();

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description =
                    "Where the dataset goes (default: <dataset name or job id>.parquet); a .json name downloads JSON.")
    Path output;

    @Option(
            names = "--dataset-name",
            paramLabel = "NAME",
            description = "A name for the dataset (letters, digits, '_', '.', '-').")
    String datasetName;

    @Option(
            names = "--poll",
            paramLabel = "DURATION",
            defaultValue = "500ms",
            description = "How often to ask for progress (default: ${DEFAULT-VALUE}).")
    String poll;

    @Option(names = "--no-wait", description = "Submit and print the job id without waiting.")
    boolean noWait;

    @Option(
            names = "--recompute",
            arity = "0..1",
            fallbackValue = "all",
            paramLabel = "all|FEATURE[,FEATURE...]",
            description = {
                "Re-run resolvers and expressions per spine row instead of reading the feature log: 'all' (also the value when",
                "none is given) for every output that has one, or a comma list of outputs (the others are read from the log)."
            })
    String recompute;

    /** Exit status of a dataset that was written but has recomputed values that failed (null in the dataset). */
    static final int EXIT_FEATURE_ERRORS = 3;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String o : outputs) {
            if (o.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--out needs a feature name");
            }
        }
        if (!Files.isRegularFile(spine)) {
            throw new CliException("no spine file " + spine);
        }
        ApiResponse submitted = submit();
        if (!submitted.isSuccess()) {
            return Answers.printProblem(submitted, err);
        }
        JsonNode job = submitted.json().orElseThrow(() -> Answers.notJson(submitted));
        String id = job.path("job_id").asText();
        if (noWait) {
            out.println(id);
            out.flush();
            return 0;
        }
        err.println("job " + id + " submitted ("
                + job.path("progress").path("rows_total").asLong() + " spine rows)");
        Thread cancelOnInterrupt = new Thread(() -> cancelQuietly(id), "slate-offline-cancel");
        Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
        JsonNode finished;
        try {
            finished = await(id, err);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnInterrupt);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook runs
            }
        }
        String status = finished.path("status").asText();
        if (!status.equals("SUCCEEDED")) {
            err.println("job " + id + " " + status
                    + (finished.hasNonNull("error")
                            ? ": " + finished.get("error").asText()
                            : ""));
            err.flush();
            return 1;
        }
        Path target = output != null
                ? output
                : Path.of(
                        (finished.hasNonNull("dataset_name")
                                        ? finished.get("dataset_name").asText()
                                        : "offline-" + id) + ".parquet");
        String format = target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? "json" : "parquet";
        ApiResponse downloaded = root.client().download(PATH + "/" + id + "/result?format=" + format, target);
        if (!downloaded.isSuccess()) {
            return Answers.printProblem(downloaded, err);
        }
        out.println("wrote " + target + " ("
                + finished.path("result").path("rows").asLong() + " rows, " + Files.size(target) + " bytes)");
        out.flush();
        JsonNode errors = finished.path("feature_errors");
        if (errors.isObject()) {
            err.println("warning: " + errors.path("total").asLong() + " recomputed values failed (in "
                    + errors.path("rows").asLong() + " rows) and are null in the dataset:");
            for (JsonNode f : errors.path("features")) {
                JsonNode first = f.path("first").path(0);
                err.println("  " + f.path("feature").asText() + ": "
                        + f.path("count").asLong() + " rows, first at row "
                        + first.path("row").asLong() + ": " + first.path("code").asText() + " "
                        + first.path("message").asText());
            }
            err.flush();
            return EXIT_FEATURE_ERRORS;
        }
        return 0;
    }

    /** {@code --recompute} as the API takes it: null (absent), true (all), false (none) or the list of outputs. */
    Object recomputeValue() {
        if (recompute == null) {
            return null;
        }
        String v = recompute.strip().toLowerCase(Locale.ROOT);
        if (v.equals("all") || v.equals("true")) {
            return true;
        }
        if (v.equals("none") || v.equals("false")) {
            return false;
        }
        List<String> names = new ArrayList<>();
        for (String part : recompute.split(",")) {
            if (!part.isBlank()) {
                names.add(part.strip());
            }
        }
        if (names.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(), "--recompute takes 'all' or a comma list of output features");
        }
        return names;
    }

    private ApiResponse submit() throws IOException {
        String name = spine.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet") || name.endsWith(".pq")) {
            StringBuilder query = new StringBuilder();
            for (String o : outputs) {
                query.append(query.isEmpty() ? "?" : "&")
                        .append("outputs=")
                        .append(URLEncoder.encode(o.strip(), StandardCharsets.UTF_8));
            }
            if (datasetName != null) {
                query.append("&dataset_name=").append(URLEncoder.encode(datasetName, StandardCharsets.UTF_8));
            }
            Object recomputed = recomputeValue();
            if (recomputed instanceof List<?> names) {
                query.append("&recompute=")
                        .append(URLEncoder.encode(
                                String.join(
                                        ",",
                                        names.stream().map(Object::toString).toList()),
                                StandardCharsets.UTF_8));
            } else if (recomputed != null) {
                query.append("&recompute=").append(recomputed);
            }
            return root.client().postFile(PATH + query, PARQUET, spine);
        }
        if (!name.endsWith(".json")) {
            throw new CliException("the spine must be a .parquet or a .json file: " + spine);
        }
        return root.client().post(PATH, jsonBody(root.mapper().readTree(spine.toFile())));
    }

    /** The request body from a JSON spine file: the API's {inputs, input_times} form, or a list of rows. */
    ObjectNode jsonBody(JsonNode file) {
        ObjectNode body = root.mapper().createObjectNode();
        if (file.isObject() && file.has("inputs")) {
            body.set("inputs", file.get("inputs"));
            body.set("input_times", file.get("input_times"));
        } else if (file.isArray()) {
            ObjectNode inputs = body.putObject("inputs");
            ArrayNode times = body.putArray("input_times");
            int row = 0;
            for (JsonNode r : file) {
                if (!r.isObject() || !r.has("input_time")) {
                    throw new CliException("spine row " + row + " is not an object with an input_time");
                }
                Iterator<Map.Entry<String, JsonNode>> fields = r.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    if (f.getKey().equals("input_time")) {
                        times.add(f.getValue());
                    } else {
                        if (!inputs.has(f.getKey())) {
                            if (row > 0) {
                                throw new CliException(
                                        "spine row " + row + " has " + f.getKey() + ", which the first row has not");
                            }
                            inputs.putArray(f.getKey());
                        }
                        ((ArrayNode) inputs.get(f.getKey())).add(f.getValue());
                    }
                }
                row++;
            }
        } else {
            throw new CliException("a JSON spine is {\"inputs\": {...}, \"input_times\": [...]} or a list of rows");
        }
        ArrayNode out = body.putArray("outputs");
        outputs.forEach(o -> out.add(o.strip()));
        if (datasetName != null) {
            body.put("dataset_name", datasetName);
        }
        Object recomputed = recomputeValue();
        if (recomputed instanceof List<?> names) {
            ArrayNode list = body.putArray("recompute");
            names.forEach(n -> list.add(n.toString()));
        } else if (recomputed instanceof Boolean b) {
            body.put("recompute", b);
        }
        return body;
    }

    private JsonNode await(String id, PrintWriter err) throws InterruptedException {
        long interval = parseMillis(poll);
        ProgressBar bar = new ProgressBar(err);
        while (true) {
            ApiResponse r = root.client().get(PATH + "/" + id);
            if (!r.isSuccess()) {
                bar.finish();
                Answers.printProblem(r, err);
                throw new CliException("cannot follow job " + id);
            }
            JsonNode job = r.json().orElseThrow(() -> Answers.notJson(r));
            String status = job.path("status").asText();
            JsonNode progress = job.path("progress");
            bar.show(
                    status,
                    progress.path("stage").asText(),
                    progress.path("fraction").asDouble(),
                    progress.path("rows_total").asLong());
            if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                bar.finish();
                return job;
            }
            Thread.sleep(interval);
        }
    }

    private void cancelQuietly(String id) {
        try {
            ApiResponse r = root.client().delete(PATH + "/" + id);
            if (r.isSuccess()) {
                spec.commandLine().getErr().println("\njob " + id + " cancelled");
                spec.commandLine().getErr().flush();
            }
        } catch (RuntimeException e) {
            // the appliance is gone or the job already finished: nothing to cancel
        }
    }

    private long parseMillis(String text) {
        try {
            String t = text.strip().toLowerCase(Locale.ROOT);
            Duration d = t.endsWith("ms")
                    ? Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)))
                    : t.endsWith("s")
                            ? Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)))
                            : Duration.ofMillis(Long.parseLong(t));
            return Math.max(50, d.toMillis());
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--poll must be a duration such as 500ms or 2s");
        }
    }

    /** One line on stderr, redrawn in place: {@code [#####.....]  45% joining  RUNNING  (1,000,000 rows)}. */
    static final class ProgressBar {
        private static final int WIDTH = 30;
        private final PrintWriter err;
        private String last = "";

        ProgressBar(PrintWriter err) {
            this.err = err;
        }

        void show(String status, String stage, double fraction, long rows) {
            int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * WIDTH);
            String line = String.format(
                    Locale.ROOT,
                    "[%s%s] %3d%%  %-13s %s  (%,d rows)",
                    "#".repeat(filled),
                    ".".repeat(WIDTH - filled),
                    Math.round(fraction * 100),
                    stage,
                    status,
                    rows);
            if (!line.equals(last)) {
                err.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
                err.flush();
                last = line;
            }
        }

        void finish() {
            if (!last.isEmpty()) {
                err.println();
                err.flush();
            }
        }
    }
}
