package dev.slate.control.access;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The {@code role_bindings} table (blocking JDBC: call it from worker threads). Values reach SQL only as
 * bind parameters; the table's check constraints repeat the formats the permission model enforces.
 */
@ApplicationScoped
public class RoleBindingStore {

    private static final Logger LOG = Logger.getLogger(RoleBindingStore.class);

    private final DataSource dataSource;

    RoleBindingStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every binding, ordered by environment, subject and role. */
    public List<StoredBinding> all() {
        return find(Optional.empty(), Optional.empty());
    }

    /** The bindings of one subject and/or one environment (both optional). */
    public List<StoredBinding> find(Optional<String> subject, Optional<String> environment) {
        String sql = "select subject, environment, role, created_at, created_by from role_bindings"
                + " where (?::text is null or subject = ?) and (?::text is null or environment = ?)"
                + " order by environment, subject, role";
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, subject.orElse(null));
            s.setString(2, subject.orElse(null));
            s.setString(3, environment.orElse(null));
            s.setString(4, environment.orElse(null));
            List<StoredBinding> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredBinding(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getTimestamp(4).toInstant(),
                            Optional.ofNullable(rs.getString(5))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read role bindings", e);
        }
    }

    /** Adds a binding; false when it existed already (then nothing changes). */
    public boolean put(String subject, String environment, String role, Optional<String> createdBy) {
        String sql =
                "insert into role_bindings (subject, environment, role, created_at, created_by) values (?, ?, ?, ?, ?)"
                        + " on conflict (subject, environment, role) do nothing";
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, subject);
            s.setString(2, environment);
            s.setString(3, role);
            s.setTimestamp(4, Timestamp.from(Instant.now()));
            s.setString(5, createdBy.orElse(null));
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("store a role binding", e);
        }
    }

    /** Removes a binding; false when there was none. */
    public boolean delete(String subject, String environment, String role) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "delete from role_bindings where subject = ? and environment = ? and role = ?")) {
            s.setString(1, subject);
            s.setString(2, environment);
            s.setString(3, role);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("delete a role binding", e);
        }
    }

    private static SlateException failure(String what, SQLException e) {
        LOG.errorf(e, "cannot %s", what);
        return new SlateException(ErrorCode.INTERNAL_SERVER_ERROR, "cannot " + what + "; see the server log");
    }
}
