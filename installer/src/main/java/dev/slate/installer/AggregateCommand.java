package dev.slate.installer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.installer.http.ApiResponse;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code slate aggregate}: materialized windowed aggregations (docs/specs/aggregations.md, "Online: materialized"). */
@Command(
        name = "aggregate",
        mixinStandardHelpOptions = true,
        description = "Materialized windowed aggregations.",
        subcommands = {AggregateCommand.Backfill.class})
final class AggregateCommand {
    @ParentCommand
    SlateCli root;

    /** {@code slate aggregate backfill FEATURE [--from --to --environment]}. */
    @Command(
            name = "backfill",
            mixinStandardHelpOptions = true,
            description = {
                "Rebuild the Redis buckets of a materialized aggregation from the offline store",
                "(POST /v1/aggregations/{feature}/backfill; admin). Idempotent: running it again gives the same buckets."
            })
    static final class Backfill implements Callable<Integer> {
        @ParentCommand
        AggregateCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "FEATURE",
                description = "The aggregation, e.g. user.spend (or user.spend[30d]).")
        String feature;

        @Option(
                names = "--from",
                paramLabel = "TIME",
                description =
                        "Rebuild rows with event times at or after TIME (ISO-8601) and mark the buckets complete from it.")
        String from;

        @Option(
                names = "--to",
                paramLabel = "TIME",
                description = "Read the offline store's history up to TIME (ISO-8601; default now).")
        String to;

        @Option(
                names = "--environment",
                paramLabel = "NAME",
                description = "The environment (default: --env, else $SLATE_ENV, else the server's default).")
        String environment;

        @Override
        public Integer call() {
            SlateCli root = parent.root;
            if (environment != null && !environment.isBlank()) {
                root.environment = environment.strip();
            }
            ApiResponse response = root.client()
                    .post(
                            "/v1/aggregations/" + URLEncoder.encode(feature.strip(), StandardCharsets.UTF_8)
                                    + "/backfill",
                            body(root));
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

        ObjectNode body(SlateCli root) {
            ObjectNode body = root.mapper().createObjectNode();
            if (from != null) {
                body.put("from", instant("--from", from));
            }
            if (to != null) {
                body.put("to", instant("--to", to));
            }
            return body;
        }

        private String instant(String option, String text) {
            try {
                return Instant.parse(text.strip()).toString();
            } catch (DateTimeParseException e) {
                throw new ParameterException(
                        spec.commandLine(), option + " must be an ISO-8601 instant such as 2026-06-01T00:00:00Z");
            }
        }

        static String render(JsonNode answer) {
            return "Backfilled " + answer.path("aggregation").asText() + " (bucket "
                    + answer.path("bucket").asText() + ") in environment "
                    + answer.path("environment").asText()
                    + ": " + answer.path("rows").asLong() + " related rows ("
                    + answer.path("observations").asLong()
                    + " values) up to " + answer.path("to").asText() + "; buckets complete from "
                    + answer.path("covered_from").asText() + " ("
                    + answer.path("took_ms").asLong() + " ms).\n";
        }
    }
}
