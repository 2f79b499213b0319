package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.installer.http.ApiResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code slate env}: environments as objects over {@code /v1/environments} (docs/environments.md). */
@Command(
        name = "env",
        mixinStandardHelpOptions = true,
        description = "Manage environments: create, list (the default), describe, patch, delete.",
        subcommands = {
            EnvCommand.Create.class,
            EnvCommand.ListEnvironments.class,
            EnvCommand.Describe.class,
            EnvCommand.Patch.class,
            EnvCommand.Delete.class
        })
final class EnvCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return list(root, spec);
    }

    static int list(SlateCli root, CommandSpec spec) {
        ApiResponse response = root.client().get("/v1/environments");
        return print(root, spec, response, answer -> {
            StringBuilder text = new StringBuilder(String.format(
                    "%-24s %-10s %-9s %-13s %s%n", "NAME", "MODE", "REPLICAS", "STATE", "ACTIVE DEPLOYMENT"));
            for (JsonNode e : answer.path("environments")) {
                text.append(String.format(
                        "%-24s %-10s %-9s %-13s %s%n",
                        e.path("name").asText(),
                        e.path("mode").asText(),
                        replicas(e),
                        e.path("status").path("state").asText(),
                        e.path("active_deployment_id").isNull()
                                ? "-"
                                : e.path("active_deployment_id").asText()));
            }
            return text.toString();
        });
    }

    static String describe(JsonNode e) {
        StringBuilder text = new StringBuilder();
        text.append("Environment ").append(e.path("name").asText()).append('\n');
        line(text, "description", e.path("description").asText());
        line(text, "replicas", e.path("mode").asText() + " " + replicas(e));
        line(
                text,
                "online namespace",
                e.path("online_namespace").asText()
                        + (e.path("online_database").isNull()
                                        || e.path("online_database").isMissingNode()
                                ? ""
                                : " (Redis database "
                                        + e.path("online_database").asText() + ")"));
        line(
                text,
                "offline namespace",
                e.path("offline_namespace").asText()
                        + (e.path("offline_table_namespace").isNull()
                                        || e.path("offline_table_namespace").isMissingNode()
                                ? ""
                                : " (Iceberg namespace "
                                        + e.path("offline_table_namespace").asText() + ")"));
        line(
                text,
                "active deployment",
                e.path("active_deployment_id").isNull()
                        ? "none"
                        : e.path("active_deployment_id").asText());
        line(text, "generation", e.path("generation").asText());
        line(
                text,
                "created",
                e.path("created_at").asText()
                        + (e.path("created_by").isNull()
                                ? ""
                                : " by " + e.path("created_by").asText()));
        JsonNode status = e.path("status");
        line(text, "state", status.path("state").asText());
        if (!status.path("observed_generation").isNull()
                && !status.path("observed_generation").isMissingNode()) {
            line(text, "observed generation", status.path("observed_generation").asText());
            line(text, "ready replicas", status.path("ready_replicas").asText());
        }
        for (JsonNode c : status.path("conditions")) {
            line(
                    text,
                    "condition " + c.path("type").asText(),
                    c.path("status").asText() + " (" + c.path("reason").asText() + "): "
                            + c.path("message").asText());
        }
        return text.toString();
    }

    private static String replicas(JsonNode e) {
        return e.path("max_replicas").isNull() || e.path("max_replicas").isMissingNode()
                ? e.path("replicas").asText()
                : e.path("replicas").asText() + ".." + e.path("max_replicas").asText();
    }

    private static void line(StringBuilder text, String key, String value) {
        text.append(String.format("  %-20s %s%n", key + ":", value));
    }

    private static int print(SlateCli root, CommandSpec spec, ApiResponse response, Function<JsonNode, String> view) {
        return Answers.print(root, spec, response, view);
    }

    private static String path(String name) {
        return "/v1/environments/" + URLEncoder.encode(name.strip(), StandardCharsets.UTF_8);
    }

    /** The options both create and patch take. */
    static final class SpecOptions {
        @Option(names = "--description", paramLabel = "TEXT", description = "What the environment is for.")
        String description;

        @Option(
                names = "--replicas",
                paramLabel = "N",
                description = "Serving replicas (fixed), or the lower bound when autoscaled.")
        Integer replicas;

        @Option(
                names = "--max-replicas",
                paramLabel = "N",
                description = "Autoscale up to N replicas (sets mode autoscaled).")
        Integer maxReplicas;

        @Option(names = "--mode", paramLabel = "MODE", description = "fixed or autoscaled.")
        String mode;

        void addTo(ObjectNode body) {
            if (description != null) {
                body.put("description", description);
            }
            if (replicas != null) {
                body.put("replicas", replicas);
            }
            if (maxReplicas != null) {
                body.put("max_replicas", maxReplicas);
            }
            if (mode != null) {
                body.put("mode", mode);
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an environment (admin).")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        EnvCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "NAME",
                description = "Lower-case letters, digits and '-', starting with a letter.")
        String name;

        @Mixin
        SpecOptions options = new SpecOptions();

        @Option(
                names = "--online-namespace",
                paramLabel = "NS",
                description = "Namespace of its Redis keys (default: the name); fixed once created.")
        String onlineNamespace;

        @Option(
                names = "--online-database",
                paramLabel = "N",
                description = "A Redis logical database of its own (standalone Redis only); fixed once created.")
        Integer onlineDatabase;

        @Option(
                names = "--offline-namespace",
                paramLabel = "NS",
                description = "Namespace of its feature-log rows (default: the name); fixed once created.")
        String offlineNamespace;

        @Option(
                names = "--offline-table-namespace",
                paramLabel = "NS",
                description =
                        "An Iceberg namespace of its own for its feature-log table (default: the configured one); fixed once created.")
        String offlineTableNamespace;

        @Override
        public Integer call() {
            SlateCli root = parent.root;
            ObjectNode body = root.mapper().createObjectNode().put("name", name);
            options.addTo(body);
            if (onlineNamespace != null) {
                body.put("online_namespace", onlineNamespace);
            }
            if (onlineDatabase != null) {
                body.put("online_database", onlineDatabase);
            }
            if (offlineNamespace != null) {
                body.put("offline_namespace", offlineNamespace);
            }
            if (offlineTableNamespace != null) {
                body.put("offline_table_namespace", offlineTableNamespace);
            }
            return print(root, spec, root.client().post("/v1/environments", body), e -> "Created " + describe(e));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the environments.")
    static final class ListEnvironments implements Callable<Integer> {
        @ParentCommand
        EnvCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return list(parent.root, spec);
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show one environment with its status.")
    static final class Describe implements Callable<Integer> {
        @ParentCommand
        EnvCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            return print(parent.root, spec, parent.root.client().get(path(name)), EnvCommand::describe);
        }
    }

    @Command(
            name = "patch",
            mixinStandardHelpOptions = true,
            description = "Change an environment's description or replicas (admin).")
    static final class Patch implements Callable<Integer> {
        @ParentCommand
        EnvCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Mixin
        SpecOptions options = new SpecOptions();

        @Override
        public Integer call() {
            SlateCli root = parent.root;
            ObjectNode body = root.mapper().createObjectNode();
            options.addTo(body);
            return print(root, spec, root.client().patch(path(name), body), e -> "Updated " + describe(e));
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description =
                    "Delete an environment with its deployments, role bindings, online values and offline history (admin).")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        EnvCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(
                names = "--confirm",
                paramLabel = "NAME",
                required = true,
                description = "The environment's name again: deleting is final.")
        String confirm;

        @Option(names = "--force", description = "Delete even though it serves traffic (has an active deployment).")
        boolean force;

        @Override
        public Integer call() {
            SlateCli root = parent.root;
            String query =
                    "?confirm=" + URLEncoder.encode(confirm, StandardCharsets.UTF_8) + (force ? "&force=true" : "");
            return print(
                    root,
                    spec,
                    root.client().delete(path(name) + query),
                    e -> "Deleted environment " + e.path("name").asText()
                            + ": its deployments, role bindings, online values and offline history are gone.\n");
        }
    }
}
