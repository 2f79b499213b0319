package dev.slate.control.env;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.control.deploy.EnvironmentNamespaces;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The {@code environments} table as environment objects (blocking JDBC: call it from worker threads). Values
 * reach SQL only as bind parameters. Changes to one environment are serialized by a lock on its row, the same
 * lock deployments take ({@code DeploymentRepository}), so a delete never interleaves with an activation.
 */
@ApplicationScoped
public class EnvironmentStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS =
            "name, description, replicas, max_replicas, generation, active_deployment_id, revision,"
                    + " created_at, created_by, updated_at, observed_generation, ready_replicas, conditions::text, status_updated_at,"
                    + " online_namespace, online_database, offline_namespace, offline_table_namespace";

    /** How a delete ended. */
    public sealed interface Deletion {
        record Deleted(Environment environment) implements Deletion {}

        record Serving(Environment environment) implements Deletion {}

        record Missing() implements Deletion {}
    }

    private final DataSource dataSource;

    EnvironmentStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every environment, by name. */
    public List<Environment> list() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select " + COLUMNS + " from environments order by name")) {
            List<Environment> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new EnvironmentStoreException("read the environments", e);
        }
    }

    public Optional<Environment> find(String name) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, name, false);
        } catch (SQLException e) {
            throw new EnvironmentStoreException("read environment " + name, e);
        }
    }

    /** A namespace another environment has already (the unique indexes of {@code environments}). */
    public static final class NamespaceTaken extends RuntimeException {
        private final String which;

        NamespaceTaken(String which) {
            super(which + " namespace is taken", null, false, false);
            this.which = which;
        }

        /** {@code online} or {@code offline}. */
        public String which() {
            return which;
        }
    }

    /**
     * Creates an environment; empty when one of that name exists (then nothing changes). A namespace equal to the
     * environment's name is stored as the default (null), so it reads the same as one created by a first deployment.
     *
     * @throws NamespaceTaken when another environment has one of its namespaces
     */
    public Optional<Environment> create(
            String name, EnvironmentSpec spec, EnvironmentNamespaces namespaces, Optional<String> createdBy) {
        Instant now = now();
        String sql =
                "insert into environments (name, description, replicas, max_replicas, created_at, created_by, updated_at,"
                        + " online_namespace, online_database, offline_namespace, offline_table_namespace)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (name) do nothing";
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, name);
            s.setString(2, spec.description());
            s.setInt(3, spec.replicas());
            setInteger(s, 4, spec.maxReplicas());
            s.setTimestamp(5, Timestamp.from(now));
            s.setString(6, createdBy.orElse(null));
            s.setTimestamp(7, Timestamp.from(now));
            s.setString(8, namespaces.online().equals(name) ? null : namespaces.online());
            setInteger(s, 9, namespaces.onlineDatabase());
            s.setString(10, namespaces.offline().equals(name) ? null : namespaces.offline());
            s.setString(11, namespaces.offlineTableNamespace().orElse(null));
            if (s.executeUpdate() == 0) {
                return Optional.empty();
            }
            return find(c, name, false);
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState()) && e.getMessage() != null) {
                if (e.getMessage().contains("environments_online_namespace_unique")) {
                    throw new NamespaceTaken("online");
                }
                if (e.getMessage().contains("environments_offline_namespace_unique")) {
                    throw new NamespaceTaken("offline");
                }
            }
            throw new EnvironmentStoreException("create environment " + name, e);
        }
    }

    /**
     * Replaces the spec with {@code change} applied to the current one, bumping the generation when it differs;
     * empty when there is no such environment.
     */
    public Optional<Environment> update(String name, UnaryOperator<EnvironmentSpec> change) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<Environment> current = find(c, name, true);
                if (current.isEmpty()) {
                    c.rollback();
                    return Optional.empty();
                }
                EnvironmentSpec next = change.apply(current.get().spec());
                if (!next.equals(current.get().spec())) {
                    String sql =
                            "update environments set description = ?, replicas = ?, max_replicas = ?, generation = generation + 1,"
                                    + " updated_at = ? where name = ?";
                    try (PreparedStatement s = c.prepareStatement(sql)) {
                        s.setString(1, next.description());
                        s.setInt(2, next.replicas());
                        setInteger(s, 3, next.maxReplicas());
                        s.setTimestamp(4, Timestamp.from(now()));
                        s.setString(5, name);
                        s.executeUpdate();
                    }
                }
                Optional<Environment> updated = find(c, name, false);
                c.commit();
                return updated;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new EnvironmentStoreException("update environment " + name, e);
        }
    }

    /**
     * Deletes an environment with its deployments, role bindings and materialization marks, in one transaction
     * (the audit log keeps its entries). One that serves traffic (has an active deployment) is kept unless
     * {@code force}.
     */
    public Deletion delete(String name, boolean force) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<Environment> current = find(c, name, true);
                if (current.isEmpty()) {
                    c.rollback();
                    return new Deletion.Missing();
                }
                if (current.get().serves() && !force) {
                    c.rollback();
                    return new Deletion.Serving(current.get());
                }
                for (String sql : List.of(
                        "update environments set active_deployment_id = null where name = ?",
                        "delete from deployments where environment = ?",
                        "delete from role_bindings where environment = ?",
                        "delete from materialization_marks where environment = ?",
                        "delete from environments where name = ?")) {
                    try (PreparedStatement s = c.prepareStatement(sql)) {
                        s.setString(1, name);
                        s.executeUpdate();
                    }
                }
                c.commit();
                return new Deletion.Deleted(current.get());
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new EnvironmentStoreException("delete environment " + name, e);
        }
    }

    /** Records what the reconciler observed; false when the environment no longer exists. */
    public boolean writeStatus(String name, EnvironmentStatus status) {
        String sql =
                "update environments set observed_generation = ?, ready_replicas = ?, conditions = ?::jsonb, status_updated_at = ?"
                        + " where name = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            if (status.observedGeneration().isPresent()) {
                s.setLong(1, status.observedGeneration().get());
            } else {
                s.setNull(1, Types.BIGINT);
            }
            setInteger(s, 2, status.readyReplicas());
            s.setString(3, conditionsJson(status.conditions()));
            s.setTimestamp(4, Timestamp.from(status.updatedAt().orElse(now())));
            s.setString(5, name);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new EnvironmentStoreException("record the status of environment " + name, e);
        }
    }

    private static Optional<Environment> find(Connection c, String name, boolean lock) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select " + COLUMNS + " from environments where name = ?" + (lock ? " for update" : ""))) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Environment read(ResultSet rs) throws SQLException {
        int maxReplicas = rs.getInt(4);
        Optional<Integer> max = rs.wasNull() ? Optional.empty() : Optional.of(maxReplicas);
        long observed = rs.getLong(11);
        Optional<Long> observedGeneration = rs.wasNull() ? Optional.empty() : Optional.of(observed);
        int ready = rs.getInt(12);
        Optional<Integer> readyReplicas = rs.wasNull() ? Optional.empty() : Optional.of(ready);
        String active = rs.getString(6);
        return new Environment(
                rs.getString(1),
                new EnvironmentSpec(rs.getString(2), rs.getInt(3), max),
                rs.getLong(5),
                Optional.ofNullable(active).map(UUID::fromString),
                rs.getLong(7),
                rs.getTimestamp(8).toInstant(),
                Optional.ofNullable(rs.getString(9)),
                rs.getTimestamp(10).toInstant(),
                new EnvironmentStatus(
                        observedGeneration,
                        readyReplicas,
                        conditions(rs.getString(13)),
                        Optional.ofNullable(rs.getTimestamp(14)).map(Timestamp::toInstant)),
                namespaces(rs));
    }

    /** Columns 15–18; null namespaces are the default, the name (column 1), and the configured table (18). */
    private static EnvironmentNamespaces namespaces(ResultSet rs) throws SQLException {
        String name = rs.getString(1);
        String online = rs.getString(15);
        int database = rs.getInt(16);
        Optional<Integer> onlineDatabase = rs.wasNull() ? Optional.empty() : Optional.of(database);
        String offline = rs.getString(17);
        return new EnvironmentNamespaces(
                online == null ? name : online,
                onlineDatabase,
                offline == null ? name : offline,
                Optional.ofNullable(rs.getString(18)));
    }

    static String conditionsJson(List<EnvironmentCondition> conditions) {
        ArrayNode array = JSON.createArrayNode();
        for (EnvironmentCondition condition : conditions) {
            ObjectNode o = array.addObject();
            o.put("type", condition.type());
            o.put("status", condition.status());
            o.put("reason", condition.reason());
            o.put("message", condition.message());
            o.put("last_transition_time", condition.lastTransitionTime().toString());
        }
        return array.toString();
    }

    static List<EnvironmentCondition> conditions(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            List<EnvironmentCondition> out = new ArrayList<>();
            for (JsonNode o : JSON.readTree(json)) {
                out.add(new EnvironmentCondition(
                        o.path("type").asText(),
                        o.path("status").asText(),
                        o.path("reason").asText(),
                        o.path("message").asText(),
                        Instant.parse(o.path("last_transition_time").asText())));
            }
            return out;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("environments.conditions holds unreadable JSON", e);
        }
    }

    private static void setInteger(PreparedStatement s, int index, Optional<Integer> value) throws SQLException {
        if (value.isPresent()) {
            s.setInt(index, value.get());
        } else {
            s.setNull(index, Types.INTEGER);
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
