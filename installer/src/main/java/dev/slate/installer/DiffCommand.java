package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slate.installer.http.ApiResponse;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code slate diff FROM TO}: what changed between two deployments of the environment ({@code GET /v1/deployments/{from}/diff/{to}});
 * {@code slate diff --branch NAME}: from the environment's main active deployment to the branch's (docs/environments.md, "Branches").
 */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = "Show added (+), removed (-) and changed (~) features and resolvers between two deployments.")
final class DiffCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "FROM",
            arity = "0..1",
            description = "The older deployment id (see `slate deployments`).")
    String from;

    @Parameters(index = "1", paramLabel = "TO", arity = "0..1", description = "The newer deployment id.")
    String to;

    @Option(
            names = "--branch",
            paramLabel = "NAME",
            description = "Compare the environment's main active deployment (FROM) with the branch's (TO).")
    String branch;

    @Override
    public Integer call() {
        if (branch != null) {
            if (from != null || to != null) {
                throw new CliException("give either FROM TO or --branch NAME");
            }
            ApiResponse b =
                    root.client().get("/v1/branches/" + URLEncoder.encode(branch.strip(), StandardCharsets.UTF_8));
            if (!b.isSuccess()) {
                return root.json()
                        ? Answers.printJson(b, root.mapper(), spec.commandLine().getOut())
                        : Answers.printProblem(b, spec.commandLine().getErr());
            }
            ApiResponse list = root.client().get("/v1/deployments");
            if (!list.isSuccess()) {
                return root.json()
                        ? Answers.printJson(
                                list, root.mapper(), spec.commandLine().getOut())
                        : Answers.printProblem(list, spec.commandLine().getErr());
            }
            JsonNode active =
                    list.json().orElseThrow(() -> Answers.notJson(list)).path("active_deployment_id");
            if (active.isNull() || active.isMissingNode()) {
                throw new CliException("the environment has no active deployment to compare the branch with");
            }
            from = active.asText();
            to = b.json()
                    .orElseThrow(() -> Answers.notJson(b))
                    .path("deployment_id")
                    .asText();
        } else if (from == null || to == null) {
            throw new CliException("give FROM and TO (deployment ids), or --branch NAME");
        }
        String path = "/v1/deployments/" + URLEncoder.encode(from.strip(), StandardCharsets.UTF_8) + "/diff/"
                + URLEncoder.encode(to.strip(), StandardCharsets.UTF_8);
        ApiResponse response = root.client().get(path);
        PrintWriter out = spec.commandLine().getOut();
        if (root.json()) {
            return Answers.printJson(response, root.mapper(), out);
        }
        if (!response.isSuccess()) {
            return Answers.printProblem(response, spec.commandLine().getErr());
        }
        out.print(render(response.json().orElseThrow(() -> Answers.notJson(response))));
        out.flush();
        return 0;
    }

    static String render(JsonNode diff) {
        StringBuilder text = new StringBuilder();
        section(text, "Features", diff.path("features"));
        section(text, "Resolvers", diff.path("resolvers"));
        if (text.isEmpty()) {
            return "No differences.\n";
        }
        return text.toString();
    }

    private static void section(StringBuilder text, String title, JsonNode changes) {
        if (changes.isEmpty()) {
            return;
        }
        text.append(title).append(":\n");
        for (JsonNode c : changes) {
            String mark = switch (c.path("change").asText()) {
                case "added" -> "+";
                case "removed" -> "-";
                default -> "~";
            };
            text.append("  ")
                    .append(mark)
                    .append(' ')
                    .append(c.path("name").asText())
                    .append('\n');
            for (JsonNode d : c.path("details")) {
                text.append("      ").append(d.asText()).append('\n');
            }
        }
    }
}
