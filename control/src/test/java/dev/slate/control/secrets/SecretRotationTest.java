package dev.slate.control.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.storage.testservers.TestServers;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Key rotation of the encrypted secret store against the test PostgreSQL ({@link TestServers}), in a schema of its own holding the {@code secrets} table exactly as the migration
 * creates it. Each "start" of a replica is a new {@link SecretStore} over the same table with other keys,
 * as after a restart with changed {@code slate.secrets.*}. Every log record is captured and searched
 * for the secret values.
 */
class SecretRotationTest {

    private static final String KEY_A = SecretKeyRing.generateKey();
    private static final String KEY_B = SecretKeyRing.generateKey();
    private static final String LEGACY_VALUE = "legacy-" + UUID.randomUUID();

    private final String schema =
            "t_secret_rotation_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final LogCapture log = new LogCapture();
    private PGSimpleDataSource dataSource;

    @BeforeEach
    void createTable() throws Exception {
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(TestServers.postgres().jdbcUrl());
        dataSource.setUser(TestServers.postgres().user());
        dataSource.setCurrentSchema(schema);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("create schema " + schema);
            s.execute("set search_path = " + schema);
            s.execute(secretsTableDdl());
            s.execute("create table environments (name text primary key)");
            s.execute("insert into environments (name) values ('default'), ('qa'), ('prod')");
            // a secret stored before secrets belonged to environments (the upgrade copies it into every environment)
            SecretKeyRing.Sealed legacy =
                    SecretKeyRing.from(config(KEY_A, List.of())).seal("legacy_token", LEGACY_VALUE);
            try (PreparedStatement p = c.prepareStatement(
                    "insert into secrets (name, key_id, nonce, ciphertext, updated_at) values (?, ?, ?, ?, now())")) {
                p.setString(1, "legacy_token");
                p.setString(2, legacy.keyId());
                p.setBytes(3, legacy.nonce());
                p.setBytes(4, legacy.ciphertext());
                p.executeUpdate();
            }
            s.execute(migration("/db/migration/V15_31__environment_secrets.sql"));
            s.execute("delete from secrets where name = 'legacy_token' and environment = 'default'");
        }
        Logger.getLogger("").addHandler(log);
    }

    @AfterEach
    void dropSchema() throws Exception {
        Logger.getLogger("").removeHandler(log);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("drop schema " + schema + " cascade");
        }
    }

    @Test
    void rotatingTheKeyReEncryptsEverySecretAndTheOldKeyCanThenBeDropped() throws Exception {
        Map<String, String> values = new HashMap<>();
        for (String name : List.of("db_password", "api_token", "warehouse.key")) {
            values.put(name, "v-" + UUID.randomUUID());
        }
        RecordedEvents events = new RecordedEvents();

        // 1. key A: the secrets are written, encrypted with A
        SecretStore underA = store(KEY_A, List.of(), events);
        String idA = underA.currentKeyId().orElseThrow();
        values.forEach((name, value) -> assertThat(underA.put("default", name, value, Optional.of("user:alice")))
                .isTrue());
        assertThat(rows()).allSatisfy((name, row) -> assertThat(row.keyId()).isEqualTo(idA));

        // 2. restart with key B, A kept as a decrypt-only previous key: everything still resolves, nothing re-encrypted
        // yet
        SecretStore rotating = store(KEY_B, List.of(KEY_A), events);
        String idB = rotating.currentKeyId().orElseThrow();
        assertThat(idB).isNotEqualTo(idA);
        values.forEach(
                (name, value) -> assertThat(rotating.lookup("default", name)).contains(value));
        assertThat(rotating.list("default")).extracting(SecretInfo::keyId).containsOnly(idA);
        // a secret written during the rotation already uses B
        String fresh = "v-" + UUID.randomUUID();
        rotating.put("default", "written_during_rotation", fresh, Optional.empty());
        values.put("written_during_rotation", fresh);

        // 3. re-encrypt: every row under A moves to B, with a fresh nonce; the values are unchanged
        Map<String, Row> before = rows();
        SecretStore.ReEncryption done = rotating.reEncrypt();
        assertThat(done.keyId()).isEqualTo(idB);
        assertThat(done.reEncrypted())
                .as("three of default, the copies of legacy_token in qa and prod")
                .isEqualTo(5);
        assertThat(done.unchanged()).isEqualTo(1);
        assertThat(done.failed()).isEmpty();
        Map<String, Row> after = rows();
        assertThat(after).allSatisfy((name, row) -> {
            assertThat(row.keyId()).isEqualTo(idB);
            assertThat(new String(row.ciphertext(), StandardCharsets.ISO_8859_1))
                    .doesNotContain(values.get(name));
        });
        for (String name : List.of("db_password", "api_token", "warehouse.key")) {
            assertThat(after.get(name).nonce()).isNotEqualTo(before.get(name).nonce());
        }
        assertThat(rotating.reEncrypt().reEncrypted())
                .as("a second run has nothing to do")
                .isZero();

        // 4. restart with B only: the old key is gone and every secret still resolves
        SecretStore underB = store(KEY_B, List.of(), events);
        values.forEach(
                (name, value) -> assertThat(underB.lookup("default", name)).contains(value));

        // ... while a replica that only knows A can no longer read any of them (the rows really are under B)
        SecretStore stale = store(KEY_A, List.of(), events);
        values.keySet()
                .forEach(name -> assertThat(stale.lookup("default", name)).isEmpty());

        // nothing logged any value, and the rotation was logged (so the capture works)
        assertThat(log.text())
                .contains("secrets re-encrypted with key " + idB)
                .contains("stored secret cannot be used");
        values.values().forEach(v -> assertThat(log.text()).doesNotContain(v));
        assertThat(log.text()).doesNotContain(KEY_A, KEY_B);
        assertThat(events.fired).isNotEmpty();
    }

    @Test
    void eachEnvironmentHasItsOwnSecretsAndNeverSeesAnother() {
        RecordedEvents events = new RecordedEvents();
        SecretStore store = store(KEY_A, List.of(), events);
        String qa = "qa-" + UUID.randomUUID();
        String prod = "prod-" + UUID.randomUUID();
        assertThat(store.put("qa", "db_password", qa, Optional.of("user:alice")))
                .isTrue();
        assertThat(store.put("prod", "db_password", prod, Optional.empty())).isTrue();
        assertThat(store.lookup("qa", "db_password")).contains(qa);
        assertThat(store.lookup("prod", "db_password")).contains(prod);
        assertThat(store.lookup("default", "db_password"))
                .as("no installation-wide fallback")
                .isEmpty();
        assertThat(store.list("qa")).extracting(SecretInfo::name).contains("db_password");
        assertThat(store.list("default")).extracting(SecretInfo::name).doesNotContain("db_password");
        assertThat(events.fired).contains(new SecretsChanged("qa", Set.of("db_password")));

        // deleting qa's secret leaves prod's
        assertThat(store.delete("qa", "db_password")).isTrue();
        assertThat(store.delete("qa", "db_password")).isFalse();
        assertThat(store.lookup("qa", "db_password")).isEmpty();
        assertThat(store.lookup("prod", "db_password")).contains(prod);

        // an environment that does not exist has no secrets to write
        assertThatThrownBy(() -> store.put("nowhere", "db_password", qa, Optional.empty()))
                .isInstanceOf(SlateException.class)
                .extracting(e -> ((SlateException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(log.text()).doesNotContain(qa).doesNotContain(prod);
    }

    @Test
    void theUpgradeCopiesEarlierSecretsIntoEveryEnvironmentAsIndependentCopies() {
        SecretStore store = store(KEY_A, List.of(), new RecordedEvents());
        assertThat(store.lookup("qa", "legacy_token")).contains(LEGACY_VALUE);
        assertThat(store.lookup("prod", "legacy_token")).contains(LEGACY_VALUE);
        store.put("qa", "legacy_token", "changed-in-qa", Optional.empty());
        assertThat(store.lookup("qa", "legacy_token")).contains("changed-in-qa");
        assertThat(store.lookup("prod", "legacy_token")).contains(LEGACY_VALUE);
    }

    @Test
    void droppingTheOldKeyTooEarlyLosesNothingAndReportsWhatCannotBeReEncrypted() throws Exception {
        String value = "v-" + UUID.randomUUID();
        store(KEY_A, List.of(), new RecordedEvents()).put("default", "db_password", value, Optional.empty());
        SecretStore withoutA = store(KEY_B, List.of(), new RecordedEvents());
        assertThat(withoutA.lookup("default", "db_password")).isEmpty();
        SecretStore.ReEncryption r = withoutA.reEncrypt();
        assertThat(r.failed()).containsExactlyInAnyOrder("default/db_password", "qa/legacy_token", "prod/legacy_token");
        assertThat(r.reEncrypted()).isZero();
        // the row is untouched: putting A back as a previous key recovers it
        SecretStore recovered = store(KEY_B, List.of(KEY_A), new RecordedEvents());
        assertThat(recovered.lookup("default", "db_password")).contains(value);
        assertThat(recovered.reEncrypt().reEncrypted()).isEqualTo(3);
        assertThat(store(KEY_B, List.of(), new RecordedEvents()).lookup("default", "db_password"))
                .contains(value);
        assertThat(log.text()).contains("db_password").doesNotContain(value);
    }

    @Test
    void withoutAnyKeyNothingIsStoredAndRotationIsRefused() {
        SecretStore none = store(null, List.of(), new RecordedEvents());
        String value = "v-" + UUID.randomUUID();
        assertThatThrownBy(() -> none.put("default", "db_password", value, Optional.empty()))
                .isInstanceOf(SlateException.class)
                .hasMessageContaining("slate.secrets.key")
                .hasMessageNotContaining(value);
        assertThatThrownBy(none::reEncrypt).isInstanceOf(SlateException.class);
    }

    private SecretStore store(String key, List<String> previous, RecordedEvents events) {
        return new SecretStore(dataSource, config(key, previous), events);
    }

    private record Row(String keyId, byte[] nonce, byte[] ciphertext) {}

    private Map<String, Row> rows() throws SQLException {
        Map<String, Row> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select name, key_id, nonce, ciphertext from secrets where environment = 'default'");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new Row(rs.getString(2), rs.getBytes(3), rs.getBytes(4)));
            }
        }
        return out;
    }

    private static String migration(String resource) throws IOException {
        try (InputStream in = SecretRotationTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource + " is on the class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The {@code create table secrets} statement of the migration, so the test runs against the real table definition. */
    private static String secretsTableDdl() throws IOException {
        try (InputStream in =
                SecretRotationTest.class.getResourceAsStream("/db/migration/V2__access_audit_secrets.sql")) {
            assertThat(in).as("the migration is on the class path").isNotNull();
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m =
                    Pattern.compile("(?s)create table secrets \\(.*?\\n\\);").matcher(sql);
            assertThat(m.find()).as("the migration creates the secrets table").isTrue();
            return m.group();
        }
    }

    private static SecretsConfig config(String key, List<String> previous) {
        return new SecretsConfig() {
            @Override
            public Optional<String> key() {
                return Optional.ofNullable(key);
            }

            @Override
            public Optional<Path> keyFile() {
                return Optional.empty();
            }

            @Override
            public Optional<List<String>> previousKeys() {
                return previous.isEmpty() ? Optional.empty() : Optional.of(previous);
            }

            @Override
            public Duration refreshInterval() {
                return Duration.ofSeconds(5);
            }
        };
    }

    /** The CDI event the store fires after a change, recorded. */
    private static final class RecordedEvents implements Event<SecretsChanged> {
        final List<SecretsChanged> fired = new ArrayList<>();

        @Override
        public void fire(SecretsChanged event) {
            fired.add(event);
        }

        @Override
        public <U extends SecretsChanged> CompletionStage<U> fireAsync(U event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends SecretsChanged> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Event<SecretsChanged> select(Annotation... qualifiers) {
            return this;
        }

        @Override
        public <U extends SecretsChanged> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends SecretsChanged> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
    }

    /** Every log record while a test runs, formatted, with its exceptions. */
    private static final class LogCapture extends Handler {
        private final StringBuilder text = new StringBuilder();

        LogCapture() {
            setLevel(Level.ALL);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext
                    ? ext.getFormattedMessage()
                    : new SimpleFormatter().formatMessage(record);
            text.append(record.getLevel())
                    .append(' ')
                    .append(record.getLoggerName())
                    .append(' ')
                    .append(message)
                    .append('\n');
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                text.append("  ").append(t).append('\n');
            }
        }

        synchronized String text() {
            return text.toString();
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
