package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.installer.http.ApiResponse;
import dev.slate.installer.project.ProjectFiles;
import dev.slate.installer.render.DeploymentView;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = {
            "Validate and deploy a feature project: every *.yaml, *.yml and *.sql file under DIR.",
            "The new deployment becomes active unless --no-activate is given."
        })
final class ApplyCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The project directory (holds slate.yaml).")
    Path directory;

    @Option(names = "--no-activate", description = "Validate and store the deployment, but keep the active one.")
    boolean noActivate;

    @Option(
            names = "--branch",
            paramLabel = "NAME",
            description =
                    "Deploy to this branch of the environment: it serves only requests naming the branch (X-Slate-Branch); "
                            + "the environment's active deployment stays.")
    String branch;

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            description = "With --branch: only callers holding ROLE in the environment may name the branch.")
    String role;

    @Override
    public Integer call() {
        Map<String, String> files = ProjectFiles.read(directory);
        ObjectNode body = root.mapper().createObjectNode();
        ObjectNode filesNode = body.putObject("files");
        files.forEach(filesNode::put);
        body.put("activate", !noActivate);

        if (role != null && branch == null) {
            throw new CliException("--role limits a branch: give it with --branch NAME");
        }
        String path = "/v1/deployments";
        if (branch != null) {
            path += "?branch=" + URLEncoder.encode(branch.strip(), StandardCharsets.UTF_8)
                    + (role == null ? "" : "&role=" + URLEncoder.encode(role.strip(), StandardCharsets.UTF_8));
        }
        ApiResponse response = root.client().post(path, body);
        PrintWriter out = spec.commandLine().getOut();
        if (root.json()) {
            return Answers.printJson(response, root.mapper(), out);
        }
        if (!response.isSuccess()) {
            return Answers.printProblem(response, spec.commandLine().getErr());
        }
        JsonNode deployment = response.json().orElseThrow(() -> Answers.notJson(response));
        out.print(
                branch == null
                        ? DeploymentView.summary("Deployed", deployment)
                        : "Deployed " + deployment.path("project").asText("project") + " v"
                                + deployment.path("version").asText() + " (id "
                                + deployment.path("id").asText() + ") to branch " + branch.strip()
                                + (role == null ? "" : ", limited to role " + role.strip())
                                + " \u2014 serves requests with X-Slate-Branch: " + branch.strip()
                                + "; the environment's active deployment is unchanged\n");
        out.flush();
        return 0;
    }
}
