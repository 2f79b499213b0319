package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slate.installer.http.ApiResponse;
import dev.slate.installer.render.DeploymentView;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "deployments",
        mixinStandardHelpOptions = true,
        description = "List deployments (the default) or activate one (rollback).",
        subcommands = {DeploymentsCommand.ListDeployments.class, DeploymentsCommand.Activate.class})
final class DeploymentsCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return list(root, spec);
    }

    static int list(SlateCli root, CommandSpec spec) {
        ApiResponse response = root.client().get("/v1/deployments");
        PrintWriter out = spec.commandLine().getOut();
        if (root.json()) {
            return Answers.printJson(response, root.mapper(), out);
        }
        if (!response.isSuccess()) {
            return Answers.printProblem(response, spec.commandLine().getErr());
        }
        JsonNode answer = response.json().orElseThrow(() -> Answers.notJson(response));
        out.print(DeploymentView.list(answer));
        out.flush();
        return 0;
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the deployments of the environment; * marks the active one.")
    static final class ListDeployments implements Callable<Integer> {
        @ParentCommand
        DeploymentsCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return list(parent.root, spec);
        }
    }

    @Command(
            name = "activate",
            mixinStandardHelpOptions = true,
            description = "Make an earlier deployment active again (rollback).")
    static final class Activate implements Callable<Integer> {
        @ParentCommand
        DeploymentsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The deployment id (see `slate deployments`).")
        String id;

        @Override
        public Integer call() {
            SlateCli root = parent.root;
            String path = "/v1/deployments/" + URLEncoder.encode(id.strip(), StandardCharsets.UTF_8) + "/activate";
            ApiResponse response = root.client().post(path, root.mapper().createObjectNode());
            PrintWriter out = spec.commandLine().getOut();
            if (root.json()) {
                return Answers.printJson(response, root.mapper(), out);
            }
            if (!response.isSuccess()) {
                return Answers.printProblem(response, spec.commandLine().getErr());
            }
            JsonNode deployment = response.json().orElseThrow(() -> Answers.notJson(response));
            out.print(DeploymentView.summary("Activated", deployment));
            out.flush();
            return 0;
        }
    }
}
