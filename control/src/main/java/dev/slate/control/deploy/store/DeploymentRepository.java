package dev.slate.control.deploy.store;

import dev.slate.control.deploy.Deployment;
import dev.slate.control.deploy.DeploymentContent;
import dev.slate.control.deploy.DeploymentStatus;
import dev.slate.control.deploy.EnvironmentNamespaces;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.LockMode;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Stores deployments and environments in PostgreSQL (Hibernate Reactive). Writes to one environment
 * are serialized by a row lock on its {@code environments} row, so version numbers are allocated
 * without gaps or duplicates and activations never interleave. Returns domain records only.
 */
@ApplicationScoped
public class DeploymentRepository {
    private static final String LIST_SQL = """
            select d.id, d.environment, d.project, d.version, d.content_hash, d.status, d.created_at, d.activated_at, d.created_by,
                   (select string_agg(k, chr(10)) from jsonb_object_keys(d.files) as k) as file_names
            from deployments d
            where d.environment = :environment
            order by d.version desc""";

    private final Mutiny.SessionFactory sessions;

    DeploymentRepository(Mutiny.SessionFactory sessions) {
        this.sessions = sessions;
    }

    /**
     * Stores a deployment as the environment's next version, creating the environment on first use;
     * when the environment already holds the same content, stores nothing and returns that one
     * ({@code unchanged}). With {@code activate}, it becomes active in the same transaction. Without
     * {@code createEnvironment}, a missing environment fails the call with {@link EnvironmentMissingException}.
     */
    public Uni<StoreOutcome> save(NewDeployment candidate, boolean activate, boolean createEnvironment) {
        Instant now = now();
        return sessions.withTransaction((session, tx) -> lockEnvironment(
                        session, candidate.environment(), createEnvironment)
                .onItem()
                .ifNull()
                .failWith(() -> new EnvironmentMissingException(candidate.environment()))
                .chain(environment -> session.createSelectionQuery(
                                "from DeploymentEntity d where d.environment = :environment and d.contentHash = :hash",
                                DeploymentEntity.class)
                        .setParameter("environment", candidate.environment())
                        .setParameter("hash", candidate.contentHash())
                        .getSingleResultOrNull()
                        .chain(existing -> existing != null
                                ? activateIfAsked(session, environment, existing, activate, now, true)
                                : insertNext(session, environment, candidate, now)
                                        .chain(created -> activateIfAsked(
                                                session, environment, created, activate, now, false)))));
    }

    /**
     * Makes a deployment of the environment its active one (the previous active one becomes
     * superseded). Empty when the environment has no deployment with this id.
     */
    public Uni<Optional<StoreOutcome>> activate(String environmentName, UUID id) {
        Instant now = now();
        return sessions.withTransaction((session, tx) -> lockEnvironment(session, environmentName, false)
                .chain(environment -> environment == null
                        ? Uni.createFrom().item(Optional.<StoreOutcome>empty())
                        : session.find(DeploymentEntity.class, id)
                                .chain(target -> target == null || !target.environment.equals(environmentName)
                                        ? Uni.createFrom().item(Optional.<StoreOutcome>empty())
                                        : activateIfAsked(session, environment, target, true, now, false)
                                                .map(Optional::of))));
    }

    /** The environment's deployments, newest (highest version) first, without their files. */
    public Uni<List<Deployment>> list(String environmentName) {
        return sessions.withStatelessSession(session -> session.createNativeQuery(LIST_SQL, Object[].class)
                .setParameter("environment", environmentName)
                .getResultList()
                .map(rows ->
                        rows.stream().map(DeploymentRepository::fromListRow).toList()));
    }

    /** One deployment of the environment with its files; empty when it has no deployment with this id. */
    public Uni<Optional<DeploymentContent>> find(String environmentName, UUID id) {
        return findById(id)
                .map(found -> found.filter(
                        content -> content.deployment().environment().equals(environmentName)));
    }

    /** One deployment with its files, whichever its environment. */
    public Uni<Optional<DeploymentContent>> findById(UUID id) {
        return sessions.withStatelessSession(session -> session.get(DeploymentEntity.class, id)
                .map(entity -> Optional.ofNullable(entity).map(e -> new DeploymentContent(toDeployment(e), e.files))));
    }

    /** Every environment's active deployment id and activation revision. */
    public Uni<List<EnvironmentState>> environments() {
        return sessions.withStatelessSession(session -> session.createSelectionQuery(
                        "from EnvironmentEntity e order by e.name", EnvironmentEntity.class)
                .getResultList()
                .map(rows -> rows.stream()
                        .map(e -> new EnvironmentState(
                                e.name,
                                Optional.ofNullable(e.activeDeploymentId),
                                e.revision,
                                new EnvironmentNamespaces(
                                        e.onlineNamespace != null ? e.onlineNamespace : e.name,
                                        Optional.ofNullable(e.onlineDatabase),
                                        e.offlineNamespace != null ? e.offlineNamespace : e.name,
                                        Optional.ofNullable(e.offlineTableNamespace))))
                        .toList()));
    }

    /**
     * Locks the environment's row for the rest of the transaction (creating it first when asked);
     * null when it does not exist and was not to be created.
     */
    private static Uni<EnvironmentEntity> lockEnvironment(Mutiny.Session session, String name, boolean create) {
        Uni<Integer> created = create
                ? session.createNativeQuery(
                                "insert into environments (name) values (:name) on conflict (name) do nothing")
                        .setParameter("name", name)
                        .executeUpdate()
                : Uni.createFrom().item(0);
        return created.chain(ignored -> session.find(EnvironmentEntity.class, name, LockMode.PESSIMISTIC_WRITE));
    }

    private static Uni<DeploymentEntity> insertNext(
            Mutiny.Session session, EnvironmentEntity environment, NewDeployment candidate, Instant now) {
        return session.createSelectionQuery(
                        "select max(d.version) from DeploymentEntity d where d.environment = :environment",
                        Integer.class)
                .setParameter("environment", environment.name)
                .getSingleResultOrNull()
                .chain(max -> {
                    DeploymentEntity entity = new DeploymentEntity();
                    entity.id = UUID.randomUUID();
                    entity.environment = environment.name;
                    entity.project = candidate.project();
                    entity.version = max == null ? 1 : max + 1;
                    entity.contentHash = candidate.contentHash();
                    entity.files = candidate.files();
                    entity.status = DeploymentStatus.INACTIVE;
                    entity.createdAt = now;
                    entity.createdBy = candidate.createdBy().orElse(null);
                    return session.persist(entity).replaceWith(entity);
                });
    }

    private static Uni<StoreOutcome> activateIfAsked(
            Mutiny.Session session,
            EnvironmentEntity environment,
            DeploymentEntity target,
            boolean activate,
            Instant now,
            boolean existed) {
        boolean alreadyActive = target.id.equals(environment.activeDeploymentId);
        if (!activate || alreadyActive) {
            return Uni.createFrom()
                    .item(new StoreOutcome(
                            toDeployment(target), existed || alreadyActive, false, environment.revision));
        }
        Uni<Void> supersedePrevious = environment.activeDeploymentId == null
                ? Uni.createFrom().voidItem()
                : session.find(DeploymentEntity.class, environment.activeDeploymentId)
                        .invoke(previous -> previous.status = DeploymentStatus.SUPERSEDED)
                        // flush first: at most one ACTIVE row per environment is a unique index
                        .call(previous -> session.flush())
                        .replaceWithVoid();
        return supersedePrevious
                .map(ignored -> {
                    target.status = DeploymentStatus.ACTIVE;
                    target.activatedAt = now;
                    environment.activeDeploymentId = target.id;
                    environment.revision = environment.revision + 1;
                    environment.updatedAt = now;
                    return new StoreOutcome(toDeployment(target), existed, true, environment.revision);
                })
                .call(session::flush);
    }

    private static Deployment toDeployment(DeploymentEntity e) {
        return new Deployment(
                e.id,
                e.environment,
                e.project,
                e.version,
                e.contentHash,
                e.status,
                e.createdAt,
                Optional.ofNullable(e.activatedAt),
                Optional.ofNullable(e.createdBy),
                e.files.keySet().stream().sorted().toList());
    }

    private static Deployment fromListRow(Object[] row) {
        String names = (String) row[9];
        List<String> fileNames = names == null || names.isEmpty()
                ? List.of()
                : Arrays.stream(names.split("\n")).sorted().toList();
        return new Deployment(
                row[0] instanceof UUID uuid ? uuid : UUID.fromString(row[0].toString()),
                (String) row[1],
                (String) row[2],
                ((Number) row[3]).intValue(),
                (String) row[4],
                DeploymentStatus.valueOf((String) row[5]),
                toInstant(row[6]),
                Optional.ofNullable(row[7]).map(DeploymentRepository::toInstant),
                Optional.ofNullable((String) row[8]),
                fileNames);
    }

    private static Instant toInstant(Object value) {
        return switch (value) {
            case Instant instant -> instant;
            case OffsetDateTime offset -> offset.toInstant();
            case Timestamp timestamp -> timestamp.toInstant();
            case LocalDateTime local -> local.toInstant(ZoneOffset.UTC);
            default ->
                throw new IllegalStateException(
                        "unexpected timestamp type " + value.getClass().getName());
        };
    }

    /** PostgreSQL keeps microseconds; truncating here makes what we return equal what we read back. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
