package dev.slate.control.deploy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Each environment's {@link EnvironmentNamespaces} as this replica knows them, for the storage adapters that turn the
 * environment a data-plane call names into where its values live (docs/environments.md, "Namespaces"). Filled when
 * an environment is created through this replica, at every poll of the {@code environments} table, and from its row
 * ({@link #ensure}) before any deployment of it is published, so a replica knows an environment's namespaces before
 * it serves it. An environment
 * it has never seen has the defaults (its name). An entry outlives a delete until the deleting replica dropped the
 * environment's data ({@link #forget}); namespaces never change while an environment exists.
 */
@ApplicationScoped
public class NamespaceDirectory {

    private static final Logger LOG = Logger.getLogger(NamespaceDirectory.class);

    private final Map<String, EnvironmentNamespaces> known = new ConcurrentHashMap<>();
    private final Optional<DataSource> dataSource;

    @Inject
    NamespaceDirectory(DataSource dataSource) {
        this.dataSource = Optional.of(dataSource);
    }

    /** A directory that only knows what it is told (tests). */
    public NamespaceDirectory() {
        this.dataSource = Optional.empty();
    }

    /**
     * Makes sure the environment's namespaces are known before serving it: reads its row when this replica has not seen
     * it yet (an environment created through another replica and deployed through this one before its next poll).
     * Blocking (JDBC): call it from a worker thread. A failed read is logged; the next poll fills the entry.
     */
    public void ensure(String environment) {
        if (known.containsKey(environment) || dataSource.isEmpty()) {
            return;
        }
        String sql =
                "select online_namespace, online_database, offline_namespace, offline_table_namespace from environments where name = ?";
        try (Connection c = dataSource.get().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, environment);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    String online = rs.getString(1);
                    int database = rs.getInt(2);
                    Optional<Integer> onlineDatabase = rs.wasNull() ? Optional.empty() : Optional.of(database);
                    String offline = rs.getString(3);
                    known.putIfAbsent(
                            environment,
                            new EnvironmentNamespaces(
                                    online == null ? environment : online,
                                    onlineDatabase,
                                    offline == null ? environment : offline,
                                    Optional.ofNullable(rs.getString(4))));
                }
            }
        } catch (SQLException e) {
            LOG.warnf(
                    "namespaces of environment '%s' not read (%s); the next poll reads them",
                    environment, e.getSQLState());
        }
    }

    /** Where the values of {@code environment} live. Never blocks. */
    public EnvironmentNamespaces of(String environment) {
        EnvironmentNamespaces ns = known.get(environment);
        return ns != null ? ns : EnvironmentNamespaces.of(environment);
    }

    public void record(String environment, EnvironmentNamespaces namespaces) {
        known.put(environment, namespaces);
    }

    public void forget(String environment) {
        known.remove(environment);
    }
}
