package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slate.installer.http.ApiResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code slate secrets}: the encrypted secrets of one environment ({@code --env}, as every command) over
 * {@code /v1/secrets} (docs/environments.md, "Secrets"). A value is read from a file or standard input,
 * never from the command line (where other users of the host could read it), and is never printed.
 */
@Command(
        name = "secrets",
        mixinStandardHelpOptions = true,
        description =
                "Manage the secrets of an environment (--env): list (the default), put, delete, re-encrypt (admin).",
        subcommands = {
            SecretsCommand.ListSecrets.class,
            SecretsCommand.Put.class,
            SecretsCommand.Delete.class,
            SecretsCommand.ReEncrypt.class
        })
final class SecretsCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return list(root, spec);
    }

    static int list(SlateCli root, CommandSpec spec) {
        return Answers.print(root, spec, root.client().get("/v1/secrets"), answer -> {
            StringBuilder text = new StringBuilder(
                    "Secrets of environment " + answer.path("environment").asText() + "\n");
            text.append(String.format("%-40s %-16s %-26s %s%n", "NAME", "KEY", "UPDATED", "BY"));
            for (JsonNode s : answer.path("secrets")) {
                text.append(String.format(
                        "%-40s %-16s %-26s %s%n",
                        s.path("name").asText(),
                        s.path("key_id").asText() + (s.path("current_key").asBoolean() ? "" : " (old)"),
                        s.path("updated_at").asText(),
                        s.path("updated_by").isNull() || s.path("updated_by").isMissingNode()
                                ? "-"
                                : s.path("updated_by").asText()));
            }
            return text.toString();
        });
    }

    private static String path(String name) {
        return "/v1/secrets/" + URLEncoder.encode(name.strip(), StandardCharsets.UTF_8);
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the environment's secrets: names, keys and times, never values.")
    static final class ListSecrets implements Callable<Integer> {
        @ParentCommand
        SecretsCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return list(parent.root, spec);
        }
    }

    @Command(
            name = "put",
            mixinStandardHelpOptions = true,
            description = "Store or replace a secret of the environment.")
    static final class Put implements Callable<Integer> {
        @ParentCommand
        SecretsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "As referenced by ${secret:NAME}.")
        String name;

        @Option(
                names = "--value-file",
                paramLabel = "FILE",
                required = true,
                description = "A file holding the value (one trailing newline is dropped); - reads standard input.")
        String valueFile;

        @Override
        public Integer call() {
            SlateCli root = parent.root;
            String value = read(valueFile);
            ApiResponse response = root.client()
                    .put(path(name), root.mapper().createObjectNode().put("value", value));
            return Answers.print(
                    root,
                    spec,
                    response,
                    s -> (response.status() == 201 ? "Stored" : "Replaced") + " secret "
                            + s.path("name").asText() + " (key "
                            + s.path("key_id").asText() + ")\n");
        }

        private static String read(String file) {
            String text;
            try {
                text = "-".equals(file)
                        ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException("cannot read the value from " + file + ": "
                        + e.getClass().getSimpleName());
            }
            return text.endsWith("\r\n")
                    ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a secret of the environment.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        SecretsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            SlateCli root = parent.root;
            ApiResponse response = root.client().delete(path(name));
            if (!root.json() && response.isSuccess()) { // 204: no body
                spec.commandLine().getOut().println("Deleted secret " + name);
                spec.commandLine().getOut().flush();
                return 0;
            }
            return Answers.print(root, spec, response, s -> "");
        }
    }

    @Command(
            name = "re-encrypt",
            mixinStandardHelpOptions = true,
            description = "After a key rotation: re-encrypt every secret (of every environment) under the current key.")
    static final class ReEncrypt implements Callable<Integer> {
        @ParentCommand
        SecretsCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return Answers.print(
                    parent.root,
                    spec,
                    parent.root
                            .client()
                            .post("/v1/secrets/re-encrypt", parent.root.mapper().createObjectNode()),
                    r -> "Key " + r.path("key_id").asText() + ": "
                            + r.path("re_encrypted").asInt() + " re-encrypted, "
                            + r.path("unchanged").asInt() + " unchanged, failed: "
                            + (r.path("failed").isEmpty()
                                    ? "none"
                                    : r.path("failed").toString()) + "\n");
        }
    }
}
