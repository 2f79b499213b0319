package dev.slate.control.alerts;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Alert rules, channels, silences, state, the delivery log and the evaluator lease in the metadata
 * database (migration V13_11). Blocking JDBC, bind parameters only: call from worker threads.
 */
@ApplicationScoped
public class AlertStore {

    private final DataSource dataSource;

    AlertStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The state of one rule as the evaluator keeps it. */
    public record State(String status, Instant since, Double lastValue, String dedupKey) {}

    /** One delivery (or failed delivery) of an event to a channel. */
    public record Notification(
            long id,
            String rule,
            String channel,
            String event,
            String dedupKey,
            String status,
            int attempts,
            Optional<String> lastError,
            Instant at) {}

    /** An active or expired silence: {@code rule} empty silences every rule of the environment. */
    public record Silence(
            long id,
            String environment,
            Optional<String> rule,
            Instant until,
            Optional<String> reason,
            Optional<String> createdBy) {}

    // ---- rules ----------------------------------------------------------------------------------

    /** Creates or replaces a rule made through the API. */
    public void putRule(AlertRule r) {
        try (Connection c = dataSource.getConnection()) {
            upsert(c, r, "api", null);
        } catch (SQLException e) {
            throw new SlateException(ErrorCode.STORE_UNAVAILABLE, "the metadata database failed: " + e.getMessage(), e);
        }
    }

    private static void upsert(Connection c, AlertRule r, String origin, String declaredAt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "insert into alert_rules (environment, name, formula, comparator, threshold, window_seconds,"
                        + " severity, owner, channels, description, origin, declared_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
                        + " on conflict (environment, name) do update set formula = excluded.formula, comparator = excluded.comparator,"
                        + " threshold = excluded.threshold, window_seconds = excluded.window_seconds, severity = excluded.severity, owner = excluded.owner,"
                        + " channels = excluded.channels, description = excluded.description, origin = excluded.origin, declared_at = excluded.declared_at,"
                        + " updated_at = now()")) {
            s.setString(1, r.environment());
            s.setString(2, r.name());
            s.setString(3, r.formula().text());
            s.setString(4, r.comparator().symbol());
            s.setDouble(5, r.threshold());
            s.setLong(6, r.window().toSeconds());
            s.setString(7, r.severity().name());
            s.setString(8, r.owner());
            s.setArray(9, c.createArrayOf("text", r.channels().toArray()));
            s.setString(10, r.description().orElse(null));
            s.setString(11, origin);
            s.setString(12, declaredAt);
            s.executeUpdate();
        }
    }

    /** The environment's declared rules: name to where the project declares it. */
    public Map<String, String> declared(String environment) {
        return run(
                "select name, coalesce(declared_at, 'the project') from alert_rules where environment = ? and origin = 'project'",
                (c, s) -> {
                    s.setString(1, environment);
                    Map<String, String> out = new HashMap<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getString(1), rs.getString(2));
                        }
                    }
                    return out;
                });
    }

    /** Where a project declared the rule ({@code slate.yaml:12}), when it is a declared rule. */
    public Optional<String> declaredAt(String environment, String name) {
        return run(
                "select declared_at from alert_rules where environment = ? and name = ? and origin = 'project'",
                (c, s) -> {
                    s.setString(1, environment);
                    s.setString(2, name);
                    try (ResultSet rs = s.executeQuery()) {
                        return rs.next()
                                ? Optional.ofNullable(rs.getString(1)).or(() -> Optional.of("the project"))
                                : Optional.empty();
                    }
                });
    }

    /**
     * Makes the environment's declared rules exactly {@code declared} (with where each is declared), in one transaction:
     * declared rules no longer in the project are removed, a declared rule replaces an API-made rule of the same name,
     * and API-made rules of other names are left alone. Evaluation state of kept rules is kept.
     */
    public void replaceDeclared(String environment, List<AlertRule> declared, Map<String, String> declaredAt) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement(
                        "delete from alert_rules where environment = ? and origin = 'project' and not (name = any(?))")) {
                    s.setString(1, environment);
                    s.setArray(
                            2,
                            c.createArrayOf(
                                    "text",
                                    declared.stream().map(AlertRule::name).toArray()));
                    s.executeUpdate();
                }
                for (AlertRule r : declared) {
                    upsert(c, r, "project", declaredAt.get(r.name()));
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new SlateException(ErrorCode.STORE_UNAVAILABLE, "the metadata database failed: " + e.getMessage(), e);
        }
    }

    public boolean deleteRule(String environment, String name) {
        return run("delete from alert_rules where environment = ? and name = ?", (c, s) -> {
            s.setString(1, environment);
            s.setString(2, name);
            boolean deleted = s.executeUpdate() > 0;
            try (PreparedStatement st =
                    c.prepareStatement("delete from alert_state where environment = ? and rule = ?")) {
                st.setString(1, environment);
                st.setString(2, name);
                st.executeUpdate();
            }
            return deleted;
        });
    }

    /** The rules of one environment, or of every environment when {@code environment} is null. */
    public List<AlertRule> rules(String environment) {
        return run(
                "select environment, name, formula, comparator, threshold, window_seconds, severity, owner, channels, description from alert_rules"
                        + " where (? is null or environment = ?) order by environment, name",
                (c, s) -> {
                    s.setString(1, environment);
                    s.setString(2, environment);
                    List<AlertRule> out = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            Array channels = rs.getArray(9);
                            out.add(new AlertRule(
                                    rs.getString(1),
                                    rs.getString(2),
                                    AlertFormula.parse(rs.getString(3)),
                                    AlertRule.Comparator.of(rs.getString(4)).orElseThrow(),
                                    rs.getDouble(5),
                                    Duration.ofSeconds(rs.getLong(6)),
                                    AlertRule.Severity.valueOf(rs.getString(7)),
                                    rs.getString(8),
                                    channels == null ? List.of() : Arrays.asList((String[]) channels.getArray()),
                                    Optional.ofNullable(rs.getString(10))));
                        }
                    }
                    return out;
                });
    }

    // ---- channels -------------------------------------------------------------------------------

    public void putChannel(AlertChannel ch) {
        run(
                "insert into alert_channels (environment, name, kind, url, secret_ref, email_to, updated_at) values (?, ?, ?, ?, ?, ?, now())"
                        + " on conflict (environment, name) do update set kind = excluded.kind, url = excluded.url, secret_ref = excluded.secret_ref,"
                        + " email_to = excluded.email_to, updated_at = now()",
                (c, s) -> {
                    s.setString(1, ch.environment());
                    s.setString(2, ch.name());
                    s.setString(3, ch.kind().name());
                    s.setString(4, ch.url().toString());
                    s.setString(5, ch.secret().orElse(null));
                    s.setString(6, ch.emailTo().orElse(null));
                    s.executeUpdate();
                    return null;
                });
    }

    public boolean deleteChannel(String environment, String name) {
        return run("delete from alert_channels where environment = ? and name = ?", (c, s) -> {
            s.setString(1, environment);
            s.setString(2, name);
            return s.executeUpdate() > 0;
        });
    }

    /** The channel names of every environment that has channels (the built-in rules notify all of them). */
    public Map<String, List<String>> channelNames() {
        return run("select environment, name from alert_channels order by environment, name", (c, s) -> {
            Map<String, List<String>> out = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            return out;
        });
    }

    public List<AlertChannel> channels(String environment) {
        return run(
                "select environment, name, kind, url, secret_ref, email_to from alert_channels where environment = ? order by name",
                (c, s) -> {
                    s.setString(1, environment);
                    List<AlertChannel> out = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            out.add(new AlertChannel(
                                    rs.getString(1),
                                    rs.getString(2),
                                    AlertChannel.Kind.valueOf(rs.getString(3)),
                                    URI.create(rs.getString(4)),
                                    Optional.ofNullable(rs.getString(5)),
                                    Optional.ofNullable(rs.getString(6))));
                        }
                    }
                    return out;
                });
    }

    // ---- silences -------------------------------------------------------------------------------

    public long addSilence(
            String environment,
            Optional<String> rule,
            Instant until,
            Optional<String> reason,
            Optional<String> createdBy) {
        return run(
                "insert into alert_silences (environment, rule, until_at, reason, created_by) values (?, ?, ?, ?, ?) returning id",
                (c, s) -> {
                    s.setString(1, environment);
                    s.setString(2, rule.orElse(null));
                    s.setTimestamp(3, Timestamp.from(until));
                    s.setString(4, reason.orElse(null));
                    s.setString(5, createdBy.orElse(null));
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
    }

    public List<Silence> activeSilences(String environment, Instant now) {
        return run(
                "select id, environment, rule, until_at, reason, created_by from alert_silences where (? is null or environment = ?) and until_at > ?"
                        + " order by id",
                (c, s) -> {
                    s.setString(1, environment);
                    s.setString(2, environment);
                    s.setTimestamp(3, Timestamp.from(now));
                    List<Silence> out = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            out.add(new Silence(
                                    rs.getLong(1),
                                    rs.getString(2),
                                    Optional.ofNullable(rs.getString(3)),
                                    rs.getTimestamp(4).toInstant(),
                                    Optional.ofNullable(rs.getString(5)),
                                    Optional.ofNullable(rs.getString(6))));
                        }
                    }
                    return out;
                });
    }

    // ---- state and deliveries -------------------------------------------------------------------

    public Optional<State> state(String environment, String rule) {
        return run(
                "select status, since, last_value, dedup_key from alert_state where environment = ? and rule = ?",
                (c, s) -> {
                    s.setString(1, environment);
                    s.setString(2, rule);
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.<State>empty();
                        }
                        double v = rs.getDouble(3);
                        return Optional.of(new State(
                                rs.getString(1),
                                rs.getTimestamp(2).toInstant(),
                                rs.wasNull() ? null : v,
                                rs.getString(4)));
                    }
                });
    }

    public void saveState(String environment, String rule, State state) {
        run(
                "insert into alert_state (environment, rule, status, since, last_value, dedup_key) values (?, ?, ?, ?, ?, ?)"
                        + " on conflict (environment, rule) do update set status = excluded.status, since = excluded.since, last_value = excluded.last_value,"
                        + " dedup_key = excluded.dedup_key",
                (c, s) -> {
                    s.setString(1, environment);
                    s.setString(2, rule);
                    s.setString(3, state.status());
                    s.setTimestamp(4, Timestamp.from(state.since()));
                    if (state.lastValue() == null) {
                        s.setNull(5, Types.DOUBLE);
                    } else {
                        s.setDouble(5, state.lastValue());
                    }
                    s.setString(6, state.dedupKey());
                    s.executeUpdate();
                    return null;
                });
    }

    public void recordNotification(
            String environment,
            String rule,
            String channel,
            String event,
            String dedupKey,
            String status,
            int attempts,
            Optional<String> lastError) {
        run(
                "insert into alert_notifications (environment, rule, channel, event, dedup_key, status, attempts, last_error) values (?, ?, ?, ?, ?, ?, ?, ?)",
                (c, s) -> {
                    s.setString(1, environment);
                    s.setString(2, rule);
                    s.setString(3, channel);
                    s.setString(4, event);
                    s.setString(5, dedupKey);
                    s.setString(6, status);
                    s.setInt(7, attempts);
                    s.setString(8, lastError.orElse(null));
                    s.executeUpdate();
                    return null;
                });
    }

    public List<Notification> notifications(String environment, int limit) {
        return run(
                "select id, rule, channel, event, dedup_key, status, attempts, last_error, at from alert_notifications where environment = ?"
                        + " order by id desc limit ?",
                (c, s) -> {
                    s.setString(1, environment);
                    s.setInt(2, limit);
                    List<Notification> out = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            out.add(new Notification(
                                    rs.getLong(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getString(6),
                                    rs.getInt(7),
                                    Optional.ofNullable(rs.getString(8)),
                                    rs.getTimestamp(9).toInstant()));
                        }
                    }
                    return out;
                });
    }

    /**
     * Takes or renews the evaluator lease for {@code holder}: true when this holder may evaluate until
     * {@code duration} from now. One row, updated only when free, expired or already ours.
     */
    public boolean tryLease(String holder, Duration duration) {
        return run(
                "insert into alert_evaluator_lease (id, holder, expires_at) values (1, ?, now() + ?::interval)"
                        + " on conflict (id) do update set holder = excluded.holder, expires_at = excluded.expires_at"
                        + " where alert_evaluator_lease.holder = excluded.holder or alert_evaluator_lease.expires_at < now()",
                (c, s) -> {
                    s.setString(1, holder);
                    s.setString(2, duration.toMillis() + " milliseconds");
                    return s.executeUpdate() > 0;
                });
    }

    private interface Work<T> {
        T apply(Connection c, PreparedStatement s) throws SQLException;
    }

    private <T> T run(String sql, Work<T> work) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            return work.apply(c, s);
        } catch (SQLException e) {
            throw new SlateException(ErrorCode.STORE_UNAVAILABLE, "the metadata database failed: " + e.getMessage(), e);
        }
    }
}
