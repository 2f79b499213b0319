package dev.slate.installer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.installer.http.ApiResponse;
import dev.slate.installer.render.ProblemView;
import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;

/** How every command shows an answer it does not render itself: raw JSON or a problem report. */
final class Answers {
    private Answers() {}

    /** Prints the answer pretty-printed ({@code --json}); returns the exit code. */
    static int printJson(ApiResponse response, ObjectMapper mapper, PrintWriter out) {
        if (response.json().isPresent()) {
            try {
                out.println(mapper.writeValueAsString(response.json().get()));
            } catch (JsonProcessingException e) {
                out.println(response.rawBody());
            }
        } else if (!response.rawBody().isEmpty()) {
            out.println(response.rawBody());
        }
        out.flush();
        return response.isSuccess() ? 0 : 1;
    }

    /** Prints {@code error CODE: detail} and the error list on stderr; returns 1. */
    static int printProblem(ApiResponse response, PrintWriter err) {
        err.print(ProblemView.render(response));
        if (response.status() == 401) {
            err.println("hint: log in with `slate login` (or set SLATE_TOKEN to an access token)");
        } else if (response.status() == 403) {
            err.println(
                    "hint: your login lacks this permission in this environment; an admin can add a role binding (docs/security.md)");
        }
        err.flush();
        return 1;
    }

    /**
     * The usual way to show an answer: raw with {@code --json}, a problem report when it failed, else {@code view} of
     * its JSON on stdout. Returns the exit code.
     */
    static int print(SlateCli root, CommandSpec spec, ApiResponse response, Function<JsonNode, String> view) {
        PrintWriter out = spec.commandLine().getOut();
        if (root.json()) {
            return printJson(response, root.mapper(), out);
        }
        if (!response.isSuccess()) {
            return printProblem(response, spec.commandLine().getErr());
        }
        out.print(view.apply(response.json().orElseThrow(() -> notJson(response))));
        out.flush();
        return 0;
    }

    /** An answer that should be a JSON document but is not. */
    static CliException notJson(ApiResponse response) {
        return new CliException("unexpected answer (HTTP " + response.status() + ", not JSON)");
    }
}
