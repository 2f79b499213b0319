package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slate.installer.http.ApiResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code slate branches}: the branches of an environment ({@code --env}) over {@code /v1/branches} (docs/environments.md, "Branches"). */
@Command(
        name = "branches",
        mixinStandardHelpOptions = true,
        description =
                "List (the default) or delete the branches of an environment; deploy one with slate apply --branch NAME.",
        subcommands = {BranchesCommand.ListBranches.class, BranchesCommand.Delete.class})
final class BranchesCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return list(root, spec);
    }

    static int list(SlateCli root, CommandSpec spec) {
        return Answers.print(root, spec, root.client().get("/v1/branches"), answer -> {
            StringBuilder text = new StringBuilder(
                    String.format("%-24s %-38s %-16s %s%n", "BRANCH", "DEPLOYMENT", "ROLE", "UPDATED"));
            for (JsonNode b : answer.path("branches")) {
                text.append(String.format(
                        "%-24s %-38s %-16s %s%n",
                        b.path("name").asText(),
                        b.path("deployment_id").asText(),
                        b.path("role").isNull() || b.path("role").isMissingNode()
                                ? "-"
                                : b.path("role").asText(),
                        b.path("updated_at").asText()));
            }
            return text.toString();
        });
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the environment's branches.")
    static final class ListBranches implements Callable<Integer> {
        @ParentCommand
        BranchesCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return list(parent.root, spec);
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete a branch: it stops serving; its deployment stays.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        BranchesCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            SlateCli root = parent.root;
            ApiResponse response =
                    root.client().delete("/v1/branches/" + URLEncoder.encode(name.strip(), StandardCharsets.UTF_8));
            return Answers.print(
                    root,
                    spec,
                    response,
                    deleted -> "Deleted branch " + deleted.path("name").asText() + "\n");
        }
    }
}
