package dev.slate.control.branch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.control.ControlConfig;
import dev.slate.control.deploy.CompiledProjects;
import dev.slate.control.deploy.EnvironmentName;
import dev.slate.control.deploy.NamespaceDirectory;
import dev.slate.serving.model.ProjectValidationException;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.deploy.BranchChanged;
import dev.slate.serving.model.deploy.BranchNameRule;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureGraph;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Branches of environments (docs/environments.md, "Branches"): the {@code branches} table (blocking JDBC, bind
 * parameters only: call from worker threads), and their publication to serving as {@link BranchChanged} events — at
 * once for changes through this replica, and for changes through other replicas at the next read of the table every
 * {@code slate.control.poll-interval}. A branch never changes the environment's main active deployment.
 */
@ApplicationScoped
public class BranchService {

    private static final Logger LOG = Logger.getLogger(BranchService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Role names a branch may be limited to: those a role binding may grant (RoleBinding.ROLE in auth/; the table repeats it). */
    public static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

    private static final String COLUMNS =
            "environment, name, deployment_id, role, revision, created_at, created_by, updated_at";

    private record Key(String environment, String name) {}

    private final DataSource dataSource;
    private final CompiledProjects compiled;
    private final Event<BranchChanged> changed;
    private final ControlConfig config;
    private final Vertx vertx;
    private final NamespaceDirectory namespaces;
    /** The revision of each branch this replica published. */
    private final Map<Key, Long> published = new ConcurrentHashMap<>();

    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile long timerId = -1;

    BranchService(
            DataSource dataSource,
            CompiledProjects compiled,
            Event<BranchChanged> changed,
            ControlConfig config,
            Vertx vertx,
            NamespaceDirectory namespaces) {
        this.namespaces = namespaces;
        this.dataSource = dataSource;
        this.compiled = compiled;
        this.changed = changed;
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent startup) {
        long every = Math.max(50, config.pollInterval().toMillis());
        timerId = vertx.setPeriodic(0, every, id -> {
            if (refreshing.compareAndSet(false, true)) {
                vertx.executeBlocking(
                        () -> {
                            try {
                                refresh();
                            } finally {
                                refreshing.set(false);
                            }
                            return null;
                        },
                        false);
            }
        });
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /** The rule for branch names, applied: the name, or INVALID_QUERY. */
    public static String requireName(String name) {
        if (!BranchNameRule.isValid(name)) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "invalid branch name: it must match " + BranchNameRule.REGEX + " (" + BranchNameRule.DESCRIPTION
                            + ")");
        }
        return name;
    }

    /** A role a branch may be limited to, or INVALID_QUERY. */
    public static Optional<String> requireRole(Optional<String> role) {
        if (role.isPresent() && !ROLE.matcher(role.get()).matches()) {
            throw new SlateException(ErrorCode.INVALID_QUERY, "invalid role name: it must match " + ROLE.pattern());
        }
        return role;
    }

    /**
     * Points the branch at a deployment of its environment (creating the branch), limited to {@code role} when given, and
     * publishes it on this replica at once.
     */
    public Branch set(
            String environment, String name, UUID deploymentId, Optional<String> role, Optional<String> actor) {
        String env = EnvironmentName.require(environment);
        requireName(name);
        requireRole(role);
        Timestamp now = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
        String sql =
                "insert into branches (environment, name, deployment_id, role, revision, created_at, created_by, updated_at)"
                        + " select d.environment, ?, d.id, ?, 1, ?, ?, ? from deployments d where d.id = ? and d.environment = ?"
                        + " on conflict (environment, name) do update set deployment_id = excluded.deployment_id, role = excluded.role,"
                        + " revision = branches.revision + 1, updated_at = excluded.updated_at returning " + COLUMNS;
        Branch branch;
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, name);
            s.setString(2, role.orElse(null));
            s.setTimestamp(3, now);
            s.setString(4, actor.orElse(null));
            s.setTimestamp(5, now);
            s.setObject(6, deploymentId);
            s.setString(7, env);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new SlateException(
                            ErrorCode.NOT_FOUND, "environment '" + env + "' has no deployment " + deploymentId);
                }
                branch = read(rs);
            }
        } catch (SQLException e) {
            throw failure("set branch '" + name + "' of environment '" + env + "'", e);
        }
        LOG.infof(
                "branch '%s' of environment '%s' now points at deployment %s (set by %s)",
                name, env, deploymentId, actor.orElse("an anonymous caller"));
        publish(branch);
        return branch;
    }

    /** The environment's branches, by name. */
    public List<Branch> list(String environment) {
        String env = EnvironmentName.require(environment);
        return query("select " + COLUMNS + " from branches where environment = ? order by name", env);
    }

    /** @throws SlateException UNKNOWN_BRANCH when the environment has no such branch */
    public Branch get(String environment, String name) {
        String env = EnvironmentName.require(environment);
        requireName(name);
        return query("select " + COLUMNS + " from branches where environment = ? and name = ?", env, name).stream()
                .findFirst()
                .orElseThrow(() -> unknown(env, name));
    }

    /**
     * Deletes a branch: it stops serving at once here and on other replicas at their next poll. Its deployment stays (it
     * is one of the environment's deployments).
     *
     * @throws SlateException UNKNOWN_BRANCH when the environment has no such branch
     */
    public Branch delete(String environment, String name, Optional<String> actor) {
        String env = EnvironmentName.require(environment);
        requireName(name);
        List<Branch> deleted =
                query("delete from branches where environment = ? and name = ? returning " + COLUMNS, env, name);
        if (deleted.isEmpty()) {
            throw unknown(env, name);
        }
        LOG.infof("branch '%s' of environment '%s' deleted by %s", name, env, actor.orElse("an anonymous caller"));
        retire(new Key(env, name));
        return deleted.getFirst();
    }

    /** Reads every branch and publishes what changed since the last read; blocking. Failures are logged, never thrown. */
    public synchronized void refresh() {
        List<Branch> all;
        try {
            all = query("select " + COLUMNS + " from branches");
        } catch (RuntimeException e) {
            LOG.debugf("branches not read (retried at the next poll): %s", e.getMessage());
            return;
        }
        Map<Key, Branch> present = new HashMap<>();
        all.forEach(b -> present.put(new Key(b.environment(), b.name()), b));
        for (Key gone : new ArrayList<>(published.keySet())) {
            if (!present.containsKey(gone)) {
                retire(gone);
            }
        }
        for (Branch b : all) {
            Long known = published.get(new Key(b.environment(), b.name()));
            if (known == null || known < b.revision()) {
                publish(b);
            }
        }
    }

    private synchronized void publish(Branch branch) {
        Key key = new Key(branch.environment(), branch.name());
        Long known = published.get(key);
        if (known != null && known >= branch.revision()) {
            return;
        }
        Optional<ActiveDeployment> deployment;
        try {
            deployment = load(branch);
        } catch (ProjectValidationException e) {
            LOG.errorf(
                    "branch '%s' of environment '%s': deployment %s does not compile with this version of Slate; not served",
                    branch.name(), branch.environment(), branch.deploymentId());
            published.put(key, branch.revision()); // not retried until the branch changes
            return;
        }
        if (deployment.isEmpty()) {
            return;
        }
        namespaces.ensure(branch.environment());
        changed.fire(new BranchChanged(branch.environment(), branch.name(), deployment, branch.role()));
        published.put(key, branch.revision());
    }

    private synchronized void retire(Key key) {
        if (published.remove(key) != null) {
            changed.fire(new BranchChanged(key.environment(), key.name(), Optional.empty(), Optional.empty()));
        }
    }

    private Optional<ActiveDeployment> load(Branch branch) throws ProjectValidationException {
        String sql = "select environment, version, content_hash, files::text, created_at from deployments where id = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, branch.deploymentId());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, String> files =
                        JSON.readValue(rs.getString(4), new TypeReference<Map<String, String>>() {});
                FeatureGraph graph = compiled.compileStored(rs.getString(3), files);
                return Optional.of(new ActiveDeployment(
                        rs.getString(1),
                        branch.deploymentId().toString(),
                        rs.getInt(2),
                        graph,
                        rs.getTimestamp(5).toInstant()));
            }
        } catch (SQLException | IOException e) {
            LOG.errorf(
                    "branch '%s' of environment '%s' not published: %s",
                    branch.name(), branch.environment(), e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private List<Branch> query(String sql, String... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            List<Branch> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read the branches", e);
        }
    }

    private static Branch read(ResultSet rs) throws SQLException {
        return new Branch(
                rs.getString(1),
                rs.getString(2),
                rs.getObject(3, UUID.class),
                Optional.ofNullable(rs.getString(4)),
                rs.getLong(5),
                rs.getTimestamp(6).toInstant(),
                Optional.ofNullable(rs.getString(7)),
                rs.getTimestamp(8).toInstant());
    }

    private static SlateException unknown(String env, String name) {
        return new SlateException(ErrorCode.UNKNOWN_BRANCH, "environment '" + env + "' has no branch '" + name + "'");
    }

    private static SlateException failure(String what, SQLException e) {
        if ("42P01".equals(e.getSQLState())) {
            return new SlateException(
                    ErrorCode.INTERNAL_SERVER_ERROR, "cannot " + what + ": the database is not migrated");
        }
        LOG.errorf("cannot %s: %s (SQLSTATE %s)", what, e.getMessage(), e.getSQLState());
        return new SlateException(ErrorCode.INTERNAL_SERVER_ERROR, "cannot " + what + "; see the server log");
    }
}
