package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the installer does to an external metadata PostgreSQL: check it (version, permissions), back it up with
 * {@code pg_dump -Fc} and restore that dump with {@code pg_restore}. The client tools are chosen to match the
 * server: the {@code pg_dump} of the same major version, else the lowest newer one ({@code pg_dump} refuses a
 * server newer than itself), looked for in {@code /usr/lib/postgresql/N/bin} and on the {@code PATH}. The password
 * reaches the tools through their environment ({@code PGPASSWORD}), never their command line.
 */
public final class PostgresTool {
    /** The oldest PostgreSQL Slate's migrations run on (the embedded server is 14). */
    public static final int MIN_MAJOR = 14;

    private static final Pattern TOOL_VERSION = Pattern.compile("\\(PostgreSQL\\) ([0-9]+)");

    private final PostgresTarget target;
    private final Optional<String> password;

    public PostgresTool(PostgresTarget target, Optional<String> password) {
        this.target = requireNonNull(target, "target is null");
        this.password = requireNonNull(password, "password is null");
    }

    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", target.user());
        password.ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "10");
        return DriverManager.getConnection(target.jdbcUrl(), properties);
    }

    /** The server's major version ({@code server_version_num / 10000}). */
    public int serverMajor() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SHOW server_version_num")) {
            r.next();
            return Integer.parseInt(r.getString(1)) / 10_000;
        }
    }

    /**
     * The preflight of an external PostgreSQL: it answers, is version {@value #MIN_MAJOR} or newer, and the user may
     * create tables in the database (Slate's migrations do).
     *
     * @return what is wrong, or empty when it is fit
     */
    public Optional<String> problem() {
        try (Connection c = connect()) {
            int major = serverMajor();
            if (major < MIN_MAJOR) {
                return Optional.of("PostgreSQL " + major + " at " + target.url() + " is too old; Slate needs "
                        + MIN_MAJOR + " or newer");
            }
            try (PreparedStatement s = c.prepareStatement("SELECT has_database_privilege(current_database(), 'CREATE'),"
                            + " has_schema_privilege('public', 'CREATE')");
                    ResultSet r = s.executeQuery()) {
                r.next();
                if (!r.getBoolean(2)) {
                    return Optional.of(
                            "user " + target.user() + " may not create tables in schema public of " + target.url());
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of("cannot connect to " + target.url() + ": " + e.getMessage());
        }
    }

    /** The directory of the {@code pg_dump}/{@code pg_restore} pair fit for a server of major version {@code major}. */
    public static Optional<Path> toolsFor(int major) {
        TreeMap<Integer, Path> found = new TreeMap<>();
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(versions)) {
                for (Path dir : dirs) {
                    Path bin = dir.resolve("bin");
                    toolMajor(bin).ifPresent(v -> found.putIfAbsent(v, bin));
                }
            } catch (IOException e) {
                // fall through to the PATH
            }
        }
        for (String dir : Optional.ofNullable(System.getenv("PATH")).orElse("").split(":")) {
            if (!dir.isBlank()) {
                Path bin = Path.of(dir);
                toolMajor(bin).ifPresent(v -> found.putIfAbsent(v, bin));
            }
        }
        var fit = found.ceilingEntry(major);
        return fit == null ? Optional.empty() : Optional.of(fit.getValue());
    }

    private static Optional<Integer> toolMajor(Path bin) {
        Path dump = bin.resolve("pg_dump");
        if (!Files.isExecutable(dump) || !Files.isExecutable(bin.resolve("pg_restore"))) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(dump.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            Matcher m = TOOL_VERSION.matcher(out);
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Path tools() throws SQLException {
        int major = serverMajor();
        return toolsFor(major)
                .orElseThrow(() -> new InstallException("no pg_dump/pg_restore for PostgreSQL " + major
                        + " or newer on this host (install the postgresql-client package of that version)"));
    }

    /** {@code pg_dump -Fc} of the whole database into {@code file} (written to {@code file.partial}, then renamed). */
    public void dump(Path file) throws IOException, SQLException, InterruptedException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        run(List.of(
                tools().resolve("pg_dump").toString(),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file=" + partial,
                "--dbname=" + connectionString()));
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Puts the database back as {@code dump} has it: drops every table, view, sequence, function and type of the
     * user's schemas (what later migrations added too), then {@code pg_restore} in one transaction.
     */
    public void restore(Path dump) throws IOException, SQLException, InterruptedException {
        Path bin = tools();
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            List<String> drops = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("""
                            SELECT n.nspname FROM pg_namespace n
                            WHERE n.nspname NOT IN ('public', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                              AND pg_get_userbyid(n.nspowner) = current_user
                            """)) {
                while (r.next()) {
                    drops.add("DROP SCHEMA IF EXISTS " + quote(r.getString(1)) + " CASCADE");
                }
            }
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("""
                            SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
                            """)) {
                while (r.next()) {
                    String kind = switch (r.getString(2)) {
                        case "v" -> "VIEW";
                        case "m" -> "MATERIALIZED VIEW";
                        case "S" -> "SEQUENCE";
                        case "f" -> "FOREIGN TABLE";
                        default -> "TABLE";
                    };
                    drops.add("DROP " + kind + " IF EXISTS public." + quote(r.getString(1)) + " CASCADE");
                }
            }
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("""
                            SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                            WHERE n.nspname = 'public'
                              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
                            """)) {
                while (r.next()) {
                    drops.add("DROP ROUTINE IF EXISTS " + r.getString(1) + " CASCADE");
                }
            }
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("""
                            SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                            WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
                              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
                            """)) {
                while (r.next()) {
                    drops.add("DROP TYPE IF EXISTS public." + quote(r.getString(1)) + " CASCADE");
                }
            }
            try (Statement s = c.createStatement()) {
                for (String drop : drops) {
                    s.execute(drop);
                }
            }
            c.commit();
        }
        run(List.of(
                bin.resolve("pg_restore").toString(),
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname=" + connectionString(),
                dump.toString()));
    }

    /** A libpq connection string without the password (that goes in {@code PGPASSWORD}). */
    private String connectionString() {
        return "host=" + target.host() + " port=" + target.port() + " dbname=" + target.database() + " user="
                + target.user() + " connect_timeout=10";
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("PGPASSWORD");
        password.ifPresent(p -> pb.environment().put("PGPASSWORD", p));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new InstallException(Path.of(command.getFirst()).getFileName() + " did not finish within an hour");
        }
        if (p.exitValue() != 0) {
            throw new InstallException(
                    Path.of(command.getFirst()).getFileName() + " failed (exit " + p.exitValue() + "): " + out.strip());
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
