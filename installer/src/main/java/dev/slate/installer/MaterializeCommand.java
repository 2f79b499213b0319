package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.installer.http.ApiResponse;
import dev.slate.installer.render.Table;
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
        name = "materialize",
        mixinStandardHelpOptions = true,
        description = {
            "Reverse ETL (POST /v1/materialize): load the latest offline value of features into the online store.",
            "Without --feature: every feature marked etl_offline_to_online. Only offline data added since the previous run is read,",
            "unless --full is given."
        })
final class MaterializeCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--feature",
            paramLabel = "FEATURE",
            description = "A feature to load, e.g. user.credit_score (repeatable).")
    List<String> features = new ArrayList<>();

    @Option(
            names = "--full",
            description = "Read the whole offline store, not only what was added since the previous run.")
    boolean full;

    @Override
    public Integer call() {
        ApiResponse response = root.client().post("/v1/materialize", requestBody());
        PrintWriter out = spec.commandLine().getOut();
        if (root.json()) {
            return Answers.printJson(response, root.mapper(), out);
        }
        if (!response.isSuccess()) {
            return Answers.printProblem(response, spec.commandLine().getErr());
        }
        JsonNode answer = response.json().orElseThrow(() -> Answers.notJson(response));
        out.print(render(answer));
        out.flush();
        return 0;
    }

    ObjectNode requestBody() {
        ObjectNode body = root.mapper().createObjectNode();
        if (!features.isEmpty()) {
            ArrayNode list = body.putArray("features");
            for (String f : features) {
                if (f.isBlank()) {
                    throw new ParameterException(spec.commandLine(), "--feature needs a feature name");
                }
                list.add(f.strip());
            }
        }
        if (full) {
            body.put("full", true);
        }
        return body;
    }

    static String render(JsonNode answer) {
        JsonNode features = answer.path("features");
        StringBuilder sb = new StringBuilder();
        if (features.isEmpty()) {
            sb.append("No feature of environment ")
                    .append(answer.path("environment").asText())
                    .append(" is marked etl_offline_to_online; name features with --feature.\n");
            return sb.toString();
        }
        Table table = Table.piped("feature", "version", "read", "values");
        for (JsonNode f : features) {
            table.row(
                    f.path("feature").asText(),
                    f.path("version").asText(),
                    f.path("incremental").asBoolean() ? "new data" : "all data",
                    Long.toString(f.path("values").asLong()));
        }
        sb.append(table.render());
        sb.append(answer.path("values").asLong())
                .append(" values loaded into the online store of environment ")
                .append(answer.path("environment").asText())
                .append(" (latest as of ")
                .append(answer.path("as_of").asText())
                .append(", ")
                .append(answer.path("took_ms").asLong())
                .append(" ms).\n");
        return sb.toString();
    }
}
