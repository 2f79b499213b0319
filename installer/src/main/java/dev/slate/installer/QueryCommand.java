package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.installer.http.ApiResponse;
import dev.slate.installer.render.QueryView;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Run an online query (POST /v1/query/online) and print the values as a table.",
            "Input values are JSON when they parse as JSON (1, 2.5, true, \"007\"), else strings."
        })
final class QueryCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--in", paramLabel = "FEATURE=VALUE", description = "An input, e.g. user.id=1 (repeatable).")
    List<String> inputs = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "FEATURE",
            description =
                    "A feature to compute, e.g. user.email_domain (repeatable); required unless --query-name calls a named query.")
    List<String> outputs = new ArrayList<>();

    @Option(
            names = "--staleness",
            paramLabel = "FEATURE=DURATION",
            description = "Maximum age of a cached value for this query, e.g. user.credit_score=0s (repeatable).")
    List<String> staleness = new ArrayList<>();

    @Option(names = "--now", paramLabel = "TIMESTAMP", description = "Query time, e.g. 2026-01-01T00:00:00Z.")
    String now;

    @Option(names = "--explain", description = "Also print the query plan.")
    boolean explain;

    @Option(
            names = "--query-name",
            paramLabel = "NAME",
            description =
                    "Without --out: the named query to call (its outputs); with --out: a name recorded with the query.")
    String queryName;

    @Override
    public Integer call() {
        ObjectNode body = requestBody();
        ApiResponse response = root.client().post("/v1/query/online", body);
        PrintWriter out = spec.commandLine().getOut();
        if (root.json()) {
            return Answers.printJson(response, root.mapper(), out);
        }
        if (!response.isSuccess()) {
            return Answers.printProblem(response, spec.commandLine().getErr());
        }
        JsonNode answer = response.json().orElseThrow(() -> Answers.notJson(response));
        out.print(QueryView.render(answer, explain));
        out.flush();
        return 0;
    }

    ObjectNode requestBody() {
        ObjectNode body = root.mapper().createObjectNode();
        ObjectNode in = body.putObject("inputs");
        for (String argument : inputs) {
            KeyValue kv = parse("--in", argument);
            if (in.has(kv.key())) {
                throw new ParameterException(spec.commandLine(), "--in " + kv.key() + " is given twice");
            }
            in.set(kv.key(), kv.value());
        }
        if (outputs.isEmpty() && queryName == null) {
            throw new ParameterException(
                    spec.commandLine(), "give --out FEATURE (repeatable) or --query-name NAME of a named query");
        }
        ArrayNode out = outputs.isEmpty() ? root.mapper().createArrayNode() : body.putArray("outputs");
        for (String output : outputs) {
            if (output.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--out needs a feature name");
            }
            out.add(output.strip());
        }
        if (!staleness.isEmpty()) {
            ObjectNode map = body.putObject("staleness");
            for (String argument : staleness) {
                KeyValue kv = parse("--staleness", argument);
                String duration = argument.substring(argument.indexOf('=') + 1).strip();
                if (duration.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "--staleness " + kv.key() + " needs a duration");
                }
                map.put(kv.key(), duration);
            }
        }
        if (now != null) {
            body.put("now", now);
        }
        if (queryName != null) {
            body.put("query_name", queryName);
        }
        body.put("include_meta", true);
        body.put("explain", explain);
        return body;
    }

    private KeyValue parse(String option, String argument) {
        try {
            return KeyValue.parse(argument);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }
}
