package dev.slate.auth.keycloak;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The secrets of one Keycloak instance, generated randomly when its data directory is initialized and
 * kept beside it in {@code credentials.properties} (mode 0600). Keycloak receives them as environment
 * variables (bootstrap admin, and the {@code ${...}} placeholders of the realm template), so the realm
 * file on disk holds none. {@link #toString()} shows no secret.
 */
public record KeycloakCredentials(
        String adminUsername,
        String adminPassword,
        String serviceClientSecret,
        String reportingClientSecret,
        String demoUserPassword) {

    public static final String FILE_NAME = "credentials.properties";
    public static final String ADMIN_USERNAME = "slate-admin";

    public KeycloakCredentials {
        Objects.requireNonNull(adminUsername, "adminUsername is null");
        Objects.requireNonNull(adminPassword, "adminPassword is null");
        Objects.requireNonNull(serviceClientSecret, "serviceClientSecret is null");
        Objects.requireNonNull(reportingClientSecret, "reportingClientSecret is null");
        Objects.requireNonNull(demoUserPassword, "demoUserPassword is null");
    }

    public static KeycloakCredentials generate(SecureRandom random) {
        return new KeycloakCredentials(ADMIN_USERNAME, secret(random), secret(random), secret(random), secret(random));
    }

    /** The variables Keycloak's process needs: bootstrap admin and the realm template's placeholders. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", adminUsername);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        env.put("SLATE_SERVICE_CLIENT_SECRET", serviceClientSecret);
        env.put("SLATE_REPORTING_CLIENT_SECRET", reportingClientSecret);
        env.put("SLATE_DEMO_USER_PASSWORD", demoUserPassword);
        return env;
    }

    /** Every secret value, e.g. to prove that none of them reached a log. */
    public List<String> secrets() {
        return List.of(adminPassword, serviceClientSecret, reportingClientSecret, demoUserPassword);
    }

    /** Writes a new file readable by its owner only; refuses to overwrite. */
    public void store(Path file) {
        Properties p = new Properties();
        p.setProperty("admin.username", adminUsername);
        p.setProperty("admin.password", adminPassword);
        p.setProperty("client.slate-service.secret", serviceClientSecret);
        p.setProperty("client.slate-reporting.secret", reportingClientSecret);
        p.setProperty("demo.user.password", demoUserPassword);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out =
                    Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
                p.store(out, "Slate Keycloak instance secrets: generated at initialization; do not share");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static Optional<KeycloakCredentials> load(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return Optional.of(new KeycloakCredentials(
                required(p, "admin.username", file),
                required(p, "admin.password", file),
                required(p, "client.slate-service.secret", file),
                required(p, "client.slate-reporting.secret", file),
                required(p, "demo.user.password", file)));
    }

    @Override
    public String toString() {
        return "KeycloakCredentials[adminUsername=" + adminUsername + ", secrets=<redacted>]";
    }

    private static String required(Properties p, String key, Path file) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new KeycloakException(file + " lacks " + key);
        }
        return value;
    }

    private static String secret(SecureRandom random) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
