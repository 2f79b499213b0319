package dev.slate.control.secrets;

import dev.slate.control.env.EnvironmentChanged;
import dev.slate.control.secrets.SecretKeyRing.Sealed;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Secrets stored encrypted at rest in the {@code secrets} table (AES-256-GCM, {@link SecretKeyRing}), one set
 * per environment: a name means a different secret in every environment, and {@link #lookup} never looks
 * in another environment than the one it is given (no installation-wide fallback; docs/environments.md).
 * Each replica keeps the <em>encrypted</em> rows in memory (re-read every {@code slate.secrets.refresh-interval}
 * and after every change it makes) and decrypts only on {@link #lookup}, so resolution never waits for the
 * database. Values are write-only through the API: nothing here returns them except {@link #lookup}, which
 * only the data plane's secret resolver calls.
 */
@ApplicationScoped
public class SecretStore {

    private static final Logger LOG = Logger.getLogger(SecretStore.class);
    /** The names {@code ${secret:NAME}} accepts, at most 128 characters (the table checks the same). */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

    public static final int MAX_VALUE_CHARS = 65536;

    private record Row(Sealed sealed, Instant updatedAt, Optional<String> updatedBy) {}

    /** A secret's identity: its environment and its name. */
    private record Key(String environment, String name) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = environment.compareTo(o.environment);
            return c != 0 ? c : name.compareTo(o.name);
        }
    }

    private final DataSource dataSource;
    private final SecretKeyRing keys;
    private final SecretsConfig config;
    private final Event<SecretsChanged> changed;
    private volatile Map<Key, Row> rows = Map.of();
    private volatile boolean loaded;
    private ScheduledExecutorService refresher;

    SecretStore(DataSource dataSource, SecretsConfig config, Event<SecretsChanged> changed) {
        this.dataSource = dataSource;
        this.config = config;
        this.keys = SecretKeyRing.from(config);
        this.changed = changed;
    }

    void start(@Observes StartupEvent event) {
        refresher = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("slate-secrets-refresh").unstarted(r));
        long every = Math.max(100, config.refreshInterval().toMillis());
        refresher.scheduleWithFixedDelay(this::refreshQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    /**
     * An environment deleted through this replica took its secrets with it (the table's foreign key cascades):
     * forget them now rather than at the next refresh, so a new environment of the same name starts without them.
     */
    void onEnvironmentChanged(@Observes EnvironmentChanged event) {
        if (!event.deleted()) {
            return;
        }
        Set<String> names = new HashSet<>();
        rows.keySet().stream()
                .filter(k -> k.environment().equals(event.environment()))
                .forEach(k -> names.add(k.name()));
        refreshQuietly();
        if (!names.isEmpty()) {
            changed.fire(new SecretsChanged(event.environment(), names));
        }
    }

    /** The id of the key new secrets are encrypted with, if one is configured. */
    public Optional<String> currentKeyId() {
        return keys.currentKeyId();
    }

    /** The decrypted value of the secret {@code name} of {@code environment}, if there is one. Never blocks on the database once loaded. */
    public Optional<String> lookup(String environment, String name) {
        if (!loaded) {
            refreshQuietly();
        }
        Row row = rows.get(new Key(environment, name));
        if (row == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(keys.open(name, row.sealed()));
        } catch (SecretKeyRing.KeyRingException e) {
            LOG.errorf("stored secret cannot be used: %s", e.getMessage());
            return Optional.empty();
        }
    }

    /** Names, key ids and times of every stored secret of one environment, by name. */
    public List<SecretInfo> list(String environment) {
        refresh();
        List<SecretInfo> out = new ArrayList<>();
        rows.entrySet().stream()
                .filter(e -> e.getKey().environment().equals(environment))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.add(new SecretInfo(
                        e.getKey().name(),
                        e.getValue().sealed().keyId(),
                        e.getValue().updatedAt(),
                        e.getValue().updatedBy())));
        return out;
    }

    /**
     * Stores (or replaces) a secret of an environment; true when it is new.
     *
     * @throws SlateException NOT_FOUND when the environment does not exist
     */
    public boolean put(String environment, String name, String value, Optional<String> by) {
        requireName(name);
        if (value == null || value.isEmpty() || value.length() > MAX_VALUE_CHARS) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY, "a secret value must be 1 to " + MAX_VALUE_CHARS + " characters");
        }
        Sealed sealed = seal(name, value);
        String sql =
                "insert into secrets (environment, name, key_id, nonce, ciphertext, updated_at, updated_by) values (?, ?, ?, ?, ?, ?, ?)"
                        + " on conflict (environment, name) do update set key_id = excluded.key_id, nonce = excluded.nonce, ciphertext = excluded.ciphertext,"
                        + " updated_at = excluded.updated_at, updated_by = excluded.updated_by returning (xmax = 0)";
        boolean created;
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, environment);
            s.setString(2, name);
            s.setString(3, sealed.keyId());
            s.setBytes(4, sealed.nonce());
            s.setBytes(5, sealed.ciphertext());
            s.setTimestamp(6, Timestamp.from(Instant.now()));
            s.setString(7, by.orElse(null));
            try (ResultSet rs = s.executeQuery()) {
                created = rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            if ("23503".equals(e.getSQLState())) { // secrets_environment_fk
                throw new SlateException(
                        ErrorCode.NOT_FOUND,
                        "environment '" + environment + "' does not exist; create it first (POST /v1/environments)");
            }
            throw failure("store secret '" + name + "' of environment '" + environment + "'", e);
        }
        refresh();
        changed.fire(new SecretsChanged(environment, Set.of(name)));
        return created;
    }

    /** Deletes a stored secret of an environment; false when there was none. */
    public boolean delete(String environment, String name) {
        requireName(name);
        boolean deleted;
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("delete from secrets where environment = ? and name = ?")) {
            s.setString(1, environment);
            s.setString(2, name);
            deleted = s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("delete secret '" + name + "' of environment '" + environment + "'", e);
        }
        refresh();
        if (deleted) {
            changed.fire(new SecretsChanged(environment, Set.of(name)));
        }
        return deleted;
    }

    /** What a rotation did. {@code failed} lists secrets whose key is no longer configured (or that do not verify). */
    public record ReEncryption(String keyId, int reEncrypted, int unchanged, List<String> failed) {
        public ReEncryption {
            failed = List.copyOf(failed);
        }
    }

    /**
     * Re-encrypts every secret (of every environment) that is not encrypted with the current key (after {@code slate.secrets.key} changed
     * and the old key moved to {@code slate.secrets.previous-keys}). Each row is replaced only if nobody changed it meanwhile.
     */
    public ReEncryption reEncrypt() {
        String current = keys.currentKeyId()
                .orElseThrow(() -> new SlateException(
                        ErrorCode.CONFLICT,
                        "no encryption key is configured: set slate.secrets.key or slate.secrets.key-file"));
        refresh();
        int done = 0;
        int unchanged = 0;
        List<String> failed = new ArrayList<>();
        for (Map.Entry<Key, Row> e : new TreeMap<>(rows).entrySet()) {
            String environment = e.getKey().environment();
            String name = e.getKey().name();
            Sealed old = e.getValue().sealed();
            if (old.keyId().equals(current)) {
                unchanged++;
                continue;
            }
            Sealed fresh;
            try {
                fresh = keys.seal(name, keys.open(name, old));
            } catch (SecretKeyRing.KeyRingException ex) {
                LOG.errorf("re-encryption: %s", ex.getMessage());
                failed.add(environment + "/" + name);
                continue;
            }
            String sql =
                    "update secrets set key_id = ?, nonce = ?, ciphertext = ? where environment = ? and name = ? and key_id = ? and nonce = ?";
            try (Connection c = dataSource.getConnection();
                    PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, fresh.keyId());
                s.setBytes(2, fresh.nonce());
                s.setBytes(3, fresh.ciphertext());
                s.setString(4, environment);
                s.setString(5, name);
                s.setString(6, old.keyId());
                s.setBytes(7, old.nonce());
                if (s.executeUpdate() == 1) {
                    done++;
                }
            } catch (SQLException ex) {
                throw failure("re-encrypt secret '" + name + "'", ex);
            }
        }
        refresh();
        LOG.infof(
                "secrets re-encrypted with key %s: %d re-encrypted, %d already current, %d failed",
                current, done, unchanged, failed.size());
        return new ReEncryption(current, done, unchanged, failed);
    }

    private Sealed seal(String name, String value) {
        try {
            return keys.seal(name, value);
        } catch (SecretKeyRing.KeyRingException e) {
            throw new SlateException(ErrorCode.CONFLICT, e.getMessage(), e);
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.debugf("secrets not refreshed: %s", e.getMessage());
        }
    }

    private synchronized void refresh() {
        Map<Key, Row> fresh = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select environment, name, key_id, nonce, ciphertext, updated_at, updated_by from secrets");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                fresh.put(
                        new Key(rs.getString(1), rs.getString(2)),
                        new Row(
                                new Sealed(rs.getString(3), rs.getBytes(4), rs.getBytes(5)),
                                rs.getTimestamp(6).toInstant(),
                                Optional.ofNullable(rs.getString(7))));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // not migrated yet
                return;
            }
            throw failure("read the secrets table", e);
        }
        rows = Map.copyOf(fresh);
        loaded = true;
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "a secret name must match [A-Za-z_][A-Za-z0-9_.-]{0,127}, as in ${secret:NAME}");
        }
    }

    private static SlateException failure(String what, SQLException e) {
        LOG.errorf("cannot %s: %s (SQLSTATE %s)", what, e.getMessage(), e.getSQLState());
        return new SlateException(ErrorCode.INTERNAL_SERVER_ERROR, "cannot " + what + "; see the server log");
    }
}
