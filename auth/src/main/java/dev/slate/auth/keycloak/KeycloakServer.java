package dev.slate.auth.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.auth.process.LeftoverProcesses;
import dev.slate.auth.process.ParentWatchdog;
import dev.slate.auth.process.ProcessSelector;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs a real Keycloak on loopback for tests, {@code auth/keycloak.sh} and the standalone appliance:
 * {@code kc.sh start --optimized} when the distribution is a production build for Slate
 * ({@link KeycloakDistribution#build}), {@code kc.sh start-dev} otherwise.
 *
 * <p>One data directory holds one instance:
 * <pre>
 * DATA/credentials.properties   secrets, 0600, generated at initialization (never logged)
 * DATA/instance.properties      how the realm was initialized (demo users or not)
 * DATA/keycloak.state           process group and port while it runs
 * DATA/keycloak.log             Keycloak's console output
 * DATA/hosts                    the only name source of Keycloak's JVM (jdk.net.hosts.file): no DNS
 * DATA/home/                    kc.home.dir: conf, lib, providers, themes link to the distribution;
 * DATA/home/data/               H2 database and data/import/slate-realm.json (no secrets in it)
 * </pre>
 * Keycloak runs under {@code setsid}; {@link #stop()} signals the whole process group. The realm is
 * imported on the first start of a data directory; later starts keep what is stored.
 */
public final class KeycloakServer implements AutoCloseable {

    public static final int DEFAULT_PORT = 18080;
    static final String STATE_FILE = "keycloak.state";
    static final String INSTANCE_FILE = "instance.properties";
    static final String LOG_FILE = "keycloak.log";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code kc.sh build}: about 45-70 s here, minutes on a loaded host. */
    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);

    /**
     * How to start an instance. {@code port} 0 picks a free loopback port. {@code uiUrl} is where the
     * admin UI will live (the {@code slate-ui} client's redirect URIs are {@code uiUrl/*}).
     * {@code watchParent} (0: none) is the pid of the process Keycloak must not outlive (a
     * {@link ParentWatchdog} stops it when that process is gone). {@code replaceLeftover} stops an
     * instance that still runs from the data directory (left by a supervisor that was killed) instead
     * of refusing to start. {@code build} makes the distribution a production build first when it is not one
     * yet ({@link KeycloakDistribution#build}); without it an unbuilt distribution runs {@code start-dev}.
     */
    public record Options(
            KeycloakDistribution distribution,
            Path dataDir,
            int port,
            boolean demoUsers,
            String uiUrl,
            Duration startTimeout,
            long watchParent,
            boolean replaceLeftover,
            boolean build) {

        public Options {
            Objects.requireNonNull(distribution, "distribution is null");
            dataDir = Objects.requireNonNull(dataDir, "dataDir is null")
                    .toAbsolutePath()
                    .normalize();
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("invalid port " + port);
            }
            Objects.requireNonNull(uiUrl, "uiUrl is null");
            Objects.requireNonNull(startTimeout, "startTimeout is null");
            if (watchParent < 0) {
                throw new IllegalArgumentException("invalid parent pid " + watchParent);
            }
        }

        public static Options of(KeycloakDistribution distribution, Path dataDir) {
            return new Options(
                    distribution,
                    dataDir,
                    DEFAULT_PORT,
                    false,
                    "http://127.0.0.1:8080",
                    Duration.ofMinutes(4),
                    0,
                    false,
                    false);
        }

        public Options withPort(int newPort) {
            return new Options(
                    distribution,
                    dataDir,
                    newPort,
                    demoUsers,
                    uiUrl,
                    startTimeout,
                    watchParent,
                    replaceLeftover,
                    build);
        }

        public Options withDemoUsers(boolean demo) {
            return new Options(
                    distribution, dataDir, port, demo, uiUrl, startTimeout, watchParent, replaceLeftover, build);
        }

        public Options withUiUrl(String url) {
            return new Options(
                    distribution, dataDir, port, demoUsers, url, startTimeout, watchParent, replaceLeftover, build);
        }

        public Options withStartTimeout(Duration timeout) {
            return new Options(
                    distribution, dataDir, port, demoUsers, uiUrl, timeout, watchParent, replaceLeftover, build);
        }

        public Options withWatchParent(long pid) {
            return new Options(
                    distribution, dataDir, port, demoUsers, uiUrl, startTimeout, pid, replaceLeftover, build);
        }

        public Options withReplaceLeftover(boolean replace) {
            return new Options(
                    distribution, dataDir, port, demoUsers, uiUrl, startTimeout, watchParent, replace, build);
        }

        /** Build the distribution for production first when it is not built yet (see {@link Options}). */
        public Options withBuild(boolean buildFirst) {
            return new Options(
                    distribution,
                    dataDir,
                    port,
                    demoUsers,
                    uiUrl,
                    startTimeout,
                    watchParent,
                    replaceLeftover,
                    buildFirst);
        }
    }

    /** What {@code keycloak.sh status} reports. */
    public record Status(boolean running, boolean ready, long processGroup, int port, URI issuer) {}

    private final Path dataDir;
    private final ProcessGroup group;
    private final int port;
    private final KeycloakCredentials credentials;
    private final boolean demoUsers;
    private final Instant launchedAt;
    private final HttpClient http;
    private volatile Duration startupTime;

    private KeycloakServer(
            Path dataDir,
            ProcessGroup group,
            int port,
            KeycloakCredentials credentials,
            boolean demoUsers,
            Instant launchedAt) {
        this.dataDir = dataDir;
        this.group = group;
        this.port = port;
        this.credentials = credentials;
        this.demoUsers = demoUsers;
        this.launchedAt = launchedAt;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** {@link #launch} then {@link #awaitReady}; stops the process again if it does not get ready. */
    public static KeycloakServer start(Options options) {
        KeycloakServer server = launch(options);
        try {
            server.awaitReady(options.startTimeout());
            return server;
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    /** Prepares the data directory and starts Keycloak in the background; does not wait. */
    public static KeycloakServer launch(Options options) {
        Path dataDir = options.dataDir();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir, e);
        }
        Optional<KeycloakServer> running = attach(dataDir);
        if (running.isPresent() && options.replaceLeftover()) {
            System.out.println("Keycloak: stopping the instance an earlier run left in " + dataDir + " (process group "
                    + running.get().group.id() + ")");
            if (!running.get().stop()) {
                throw new KeycloakException("cannot stop the Keycloak left running from " + dataDir + " (process group "
                        + running.get().group.id() + ")");
            }
        } else if (running.isPresent()) {
            throw new KeycloakException("Keycloak already runs from " + dataDir + " (process group "
                    + running.get().group.id() + ", port " + running.get().port + ")");
        }
        if (options.replaceLeftover()) {
            // started but never recorded (its launcher was killed between start and state file)
            LeftoverProcesses.stop(
                    List.of(selector(dataDir)),
                    Duration.ofSeconds(30),
                    line -> System.out.println("Keycloak: " + line));
        }
        if (options.build() && !options.distribution().optimized()) {
            System.out.println("Keycloak: building " + options.distribution().root() + " for production (kc.sh build "
                    + String.join(" ", KeycloakDistribution.BUILD_OPTIONS) + "; once, later starts reuse it)...");
            options.distribution().build(BUILD_TIMEOUT);
        }
        KeycloakCredentials credentials = initializeCredentials(dataDir);
        boolean demoUsers = initializeInstance(dataDir, options.demoUsers());
        Path home = prepareHome(options.distribution(), dataDir);
        RealmTemplate realm = RealmTemplate.load(demoUsers);
        realm.writeTo(home.resolve("data/import/" + RealmTemplate.REALM + "-realm.json"));

        Map<String, String> placeholders = new LinkedHashMap<>(credentials.environment());
        placeholders.put("SLATE_UI_URL", stripTrailingSlash(options.uiUrl()));
        Set<String> missing = new TreeSet<>(realm.placeholders());
        missing.removeAll(placeholders.keySet());
        if (!missing.isEmpty()) {
            throw new KeycloakException("realm template placeholders without a value: " + missing);
        }

        int port = options.port() == 0 ? freePort() : options.port();
        requirePortFree(port);
        List<String> command = command(options.distribution(), home, port);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve(LOG_FILE).toFile());
        Map<String, String> env = pb.environment();
        KeycloakDistribution.cleanEnvironment(env);
        // Keycloak serves loopback only and keeps its data in H2: it never needs a name server. Java resolves
        // from this file alone, so nothing in Keycloak (e.g. a lookup of the host's own name) queries DNS
        // on an air-gapped host (installer/test-zero-egress.sh caught one).
        env.put("JAVA_OPTS_APPEND", "-Djdk.net.hosts.file=" + writeHostsFile(dataDir));
        env.putAll(placeholders);
        Instant launchedAt = Instant.now();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new KeycloakException("cannot start " + options.distribution().script() + ": " + e.getMessage(), e);
        }
        KeycloakServer server =
                new KeycloakServer(dataDir, new ProcessGroup(process.pid()), port, credentials, demoUsers, launchedAt);
        server.writeState();
        if (options.watchParent() > 0) {
            ParentWatchdog.start(
                    options.watchParent(),
                    Duration.ofSeconds(20),
                    List.of(new ParentWatchdog.Target.Group(process.pid())),
                    Optional.of(dataDir.resolve(LOG_FILE)));
        }
        return server;
    }

    /**
     * {@code kc.sh start --optimized} on a distribution built for Slate ({@link KeycloakDistribution#optimized}),
     * else {@code kc.sh start-dev}. Both serve HTTP on loopback only, with the issuer fixed to that address,
     * a local (not clustered) cache, and import the realm on the first start of a data directory.
     */
    static List<String> command(KeycloakDistribution distribution, Path home, int port) {
        String base = "http://127.0.0.1:" + port;
        List<String> command =
                new ArrayList<>(List.of("setsid", "sh", distribution.script().toString(), "-Dkc.home.dir=" + home));
        if (distribution.optimized()) {
            // production mode: HTTP must be enabled explicitly; the cache is a runtime option (clustered by default)
            command.addAll(List.of("start", "--optimized", "--http-enabled=true", "--cache=local"));
        } else {
            command.add("start-dev");
        }
        command.addAll(List.of("--http-host=127.0.0.1", "--http-port=" + port, "--hostname=" + base, "--import-realm"));
        return List.copyOf(command);
    }

    /** Keycloak's processes ({@code kc.sh} and its JVM) run in the instance directory. */
    static ProcessSelector selector(Path dataDir) {
        return new ProcessSelector("Keycloak", dataDir, Set.of("java", "sh", "bash", "kc.sh"));
    }

    /** The instance running from {@code dataDir}, if its recorded process group is alive. */
    public static Optional<KeycloakServer> attach(Path dataDir) {
        Path stateFile = dataDir.resolve(STATE_FILE);
        if (!Files.isRegularFile(stateFile)) {
            return Optional.empty();
        }
        Properties state = readProperties(stateFile);
        ProcessGroup group = new ProcessGroup(Long.parseLong(state.getProperty("process-group")));
        if (!group.alive()) {
            deleteQuietly(stateFile);
            return Optional.empty();
        }
        KeycloakCredentials credentials = KeycloakCredentials.load(dataDir.resolve(KeycloakCredentials.FILE_NAME))
                .orElseThrow(() -> new KeycloakException("no " + KeycloakCredentials.FILE_NAME + " in " + dataDir));
        return Optional.of(new KeycloakServer(
                dataDir.toAbsolutePath().normalize(),
                group,
                Integer.parseInt(state.getProperty("port")),
                credentials,
                Boolean.parseBoolean(state.getProperty("demo-users")),
                Instant.parse(state.getProperty("launched-at"))));
    }

    public static Status status(Path dataDir) {
        return attach(dataDir)
                .map(s -> new Status(true, s.isReady(), s.group.id(), s.port, s.issuer()))
                .orElseGet(() -> new Status(false, false, 0, 0, null));
    }

    /** Polls the realm's discovery document until it answers with the expected issuer. */
    public KeycloakServer awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady()) {
            if (!group.alive()) {
                throw new KeycloakException("Keycloak exited before it was ready; last lines of "
                        + dataDir.resolve(LOG_FILE) + ":\n" + logTail(30));
            }
            if (System.nanoTime() > deadline) {
                throw new KeycloakException("Keycloak not ready within " + timeout.toSeconds() + " s; last lines of "
                        + dataDir.resolve(LOG_FILE) + ":\n" + logTail(30));
            }
            ProcessGroup.sleep(250);
        }
        if (startupTime == null) {
            startupTime = Duration.between(launchedAt, Instant.now());
        }
        return this;
    }

    public boolean isReady() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode doc = JSON.readTree(response.body());
            return issuer().toString().equals(doc.path("issuer").asText());
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeycloakException("interrupted", e);
        }
    }

    /** Stops the process group (SIGTERM, then SIGKILL after 30 s). True if it is gone. */
    public boolean stop() {
        boolean stopped = group.stop(Duration.ofSeconds(30));
        if (stopped) {
            deleteQuietly(dataDir.resolve(STATE_FILE));
        }
        return stopped;
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return port;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** {@code http://127.0.0.1:PORT/realms/slate}: the {@code iss} of every token. */
    public URI issuer() {
        return URI.create(baseUrl() + "/realms/" + RealmTemplate.REALM);
    }

    public KeycloakCredentials credentials() {
        return credentials;
    }

    public boolean demoUsers() {
        return demoUsers;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve(LOG_FILE);
    }

    public long processGroup() {
        return group.id();
    }

    /** Launch to ready, once {@link #awaitReady} has seen it ready. */
    public Optional<Duration> startupTime() {
        return Optional.ofNullable(startupTime);
    }

    public KeycloakTokens tokens() {
        return new KeycloakTokens(issuer());
    }

    @Override
    public String toString() {
        return "KeycloakServer[" + baseUrl() + ", processGroup=" + group.id() + ", data=" + dataDir + "]";
    }

    private static KeycloakCredentials initializeCredentials(Path dataDir) {
        Path file = dataDir.resolve(KeycloakCredentials.FILE_NAME);
        Optional<KeycloakCredentials> existing = KeycloakCredentials.load(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (Files.exists(dataDir.resolve("home/data/h2"))) {
            throw new KeycloakException(dataDir + " holds a Keycloak database but no " + KeycloakCredentials.FILE_NAME
                    + ": its secrets are unknown; remove the directory to start afresh");
        }
        KeycloakCredentials generated = KeycloakCredentials.generate(new SecureRandom());
        generated.store(file);
        return generated;
    }

    /** Demo users are decided when the realm is first imported; later starts keep that choice. */
    private static boolean initializeInstance(Path dataDir, boolean demoUsers) {
        Path file = dataDir.resolve(INSTANCE_FILE);
        if (Files.isRegularFile(file)) {
            return Boolean.parseBoolean(readProperties(file).getProperty("demo-users"));
        }
        Properties p = new Properties();
        p.setProperty("demo-users", Boolean.toString(demoUsers));
        p.setProperty("keycloak-version", KeycloakDistribution.VERSION);
        p.setProperty("initialized-at", Instant.now().toString());
        writeProperties(file, p, "Slate Keycloak instance");
        return demoUsers;
    }

    private static Path prepareHome(KeycloakDistribution distribution, Path dataDir) {
        Path home = dataDir.resolve("home");
        try {
            Files.createDirectories(home.resolve("data/import"));
            for (String shared : KeycloakDistribution.SHARED_DIRECTORIES) {
                Path link = home.resolve(shared);
                if (Files.isSymbolicLink(link)) {
                    Files.delete(link);
                } else if (Files.exists(link)) {
                    throw new KeycloakException(link + " exists and is not a link into the distribution");
                }
                Files.createSymbolicLink(link, distribution.root().resolve(shared));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + home, e);
        }
        return home;
    }

    private void writeState() {
        Properties p = new Properties();
        p.setProperty("process-group", Long.toString(group.id()));
        p.setProperty("port", Integer.toString(port));
        p.setProperty("demo-users", Boolean.toString(demoUsers));
        p.setProperty("launched-at", launchedAt.toString());
        writeProperties(dataDir.resolve(STATE_FILE), p, "Slate Keycloak: running instance");
    }

    private String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            List<String> tail = new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
            return String.join("\n", tail.stream().map(this::redact).toList());
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private String redact(String line) {
        String out = line;
        for (String secret : credentials.secrets()) {
            out = out.replace(secret, "<redacted>");
        }
        return out;
    }

    /** {@code DATA/hosts}: loopback names and the host's own name, all on loopback. */
    static Path writeHostsFile(Path dataDir) {
        String hostname = "localhost";
        try {
            hostname = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII)
                    .strip();
        } catch (IOException e) {
            // not Linux: loopback names only
        }
        Path file = dataDir.resolve("hosts");
        try {
            Files.writeString(
                    file,
                    "127.0.0.1 localhost " + hostname + "\n::1 localhost ip6-localhost " + hostname + "\n",
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static void requirePortFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new KeycloakException("port " + port + " on 127.0.0.1 is in use");
        }
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Properties readProperties(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return p;
    }

    private static void writeProperties(Path file, Properties p, String comment) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, comment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale state file is detected again by attach()
        }
    }
}
