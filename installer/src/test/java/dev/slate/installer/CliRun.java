package dev.slate.installer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** One in-process run of the CLI with captured output. */
record CliRun(int exitCode, String out, String err) {

    /**
     * A token file that does not exist: unless a test names its own, a run never reads the token that
     * {@code slate login} may have stored in this machine's {@code ~/.slate/token}.
     */
    private static final Path NO_TOKEN_FILE =
            Path.of(System.getProperty("java.io.tmpdir"), "slate-cli-test-" + UUID.randomUUID(), "token");

    static CliRun of(Map<String, String> env, String... args) {
        Map<String, String> isolated = new HashMap<>(env);
        isolated.putIfAbsent("SLATE_TOKEN_FILE", NO_TOKEN_FILE.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SlateCli.run(args, isolated, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(exit, out.toString(), err.toString());
    }

    static CliRun of(String... args) {
        return of(Map.of(), args);
    }
}
