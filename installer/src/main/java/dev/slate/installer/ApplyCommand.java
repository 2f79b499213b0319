package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.installer.http.ApiResponse;
import dev.slate.installer.project.ProjectFiles;
import dev.slate.installer.render.DeploymentView;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true, description = {
        "Validate and deploy a feature project: every *.yaml, *.yml and *.sql file under DIR.",
        "The new deployment becomes active unless --no-activate is given."})
final class ApplyCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The project directory (holds slate.yaml).")
    Path directory;

    @Option(names = "--no-activate", description = "Validate and store the deployment, but keep the active one.")
    boolean noActivate;

    @Override
    public Integer call() {
        Map<String, String> files = ProjectFiles.read(directory);
        ObjectNode body = root.mapper().createObjectNode();
        ObjectNode filesNode = body.putObject("files");
        files.forEach(filesNode::put);
        body.put("activate", !noActivate);

        ApiResponse response = root.client().post("/v1/deployments", body);
        PrintWriter out = spec.commandLine().getOut();
        if (root.json()) {
            return Answers.printJson(response, root.mapper(), out);
        }
        if (!response.isSuccess()) {
            return Answers.printProblem(response, spec.commandLine().getErr());
        }
        JsonNode deployment = response.json().orElseThrow(() -> Answers.notJson(response));
        out.print(DeploymentView.summary("Deployed", deployment));
        out.flush();
        return 0;
    }
}
