package dev.slate.appliance.demo;

import dev.slate.appliance.config.DatabaseConfig;
import dev.slate.control.deploy.Deployment;
import dev.slate.control.deploy.DeploymentResult;
import dev.slate.control.deploy.DeploymentService;
import dev.slate.control.deploy.DeploymentStatus;
import dev.slate.control.deploy.EnvironmentName;
import dev.slate.serving.api.wiring.ServingConfig;
import dev.slate.serving.engine.ingest.IngestService;
import dev.slate.serving.engine.materialize.AggregateBackfillService;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.ExampleProjects;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.storage.spi.offline.OfflineStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * With {@code slate.demo=true}: at startup (after the schema migrations), creates and seeds the
 * example's database {@value #DATABASE} on the metadata PostgreSQL server, then deploys and activates
 * the {@code fraud} example project in the default environment, fills the buckets of its materialized
 * aggregation {@code user.spend} from the seeded transactions ({@link DemoAggregations}: ingest into the
 * offline store, then backfill) and logs a ready-to-paste query. Every step is idempotent: a restart
 * re-seeds nothing and ingests no transaction twice (the backfill rebuilds the same buckets), and the
 * example is deployed only while the default environment has no active deployment, so a later
 * deployment or rollback by the user survives a restart (buckets are filled only while the
 * environment serves a {@code fraud} project). A failure stops the startup, so {@code slate up --demo}
 * never reports a half-made demo as ready.
 */
@ApplicationScoped
class DemoSeeder {
    static final String DATABASE = "fraud_app";
    static final String ACTOR = "slate-demo";
    /** The example's project name: buckets are filled only while the environment serves a project of this name. */
    static final String PROJECT = "fraud";
    /** Most transactions one ingest call carries (fewer when {@code slate.serving.max-ingest-rows} is lower). */
    private static final int ROWS_PER_INGEST = 10_000;

    private static final Logger LOG = Logger.getLogger(DemoSeeder.class);

    private final boolean enabled;
    private final DemoDatabase.Server server;
    private final DeploymentService deployments;
    private final String baseUrl;
    private final boolean secretConfigured;
    private final DemoAggregations aggregations;
    private final ServingState state;

    DemoSeeder(
            @ConfigProperty(name = "slate.demo", defaultValue = "false") boolean enabled,
            DatabaseConfig database,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1") String httpHost,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int httpPort,
            @ConfigProperty(name = "slate.secret.fraud_db_url") Optional<String> fraudDbUrl,
            DeploymentService deployments,
            ServingState state,
            IngestService ingest,
            AggregateBackfillService backfill,
            OfflineStore offline,
            ServingConfig serving) {
        this.enabled = enabled;
        this.server = new DemoDatabase.Server(
                database.host(),
                database.port(),
                database.name(),
                database.username(),
                database.password().filter(p -> !p.isEmpty()));
        this.deployments = deployments;
        this.baseUrl = DemoQueryHint.baseUrl(httpHost, httpPort);
        this.secretConfigured = fraudDbUrl.isPresent();
        this.state = state;
        this.aggregations = new DemoAggregations(
                state,
                ingest,
                backfill,
                offline,
                Clock.systemUTC(),
                Math.max(1, Math.min(ROWS_PER_INGEST, serving.maxIngestRows())));
    }

    // Priority: after the metadata plane has loaded the active deployments (default priority observers)
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent startup) {
        if (!enabled) {
            return;
        }
        prepare();
    }

    /**
     * Seeds the database, deploys the example unless the default environment serves something already, and fills
     * the buckets of the served {@code fraud} project's materialized aggregations. Answers what the filling did
     * (empty when the environment serves another project). Blocks: startup and tests call it off the event loop.
     */
    Optional<DemoAggregations.Outcome> prepare() {
        DemoDatabase database = seedDatabase();
        Optional<Deployment> active = activeDeployment();
        if (active.isPresent()) {
            // never replace what the environment serves: the user may have deployed or rolled back since
            Deployment current = active.get();
            Optional<DemoAggregations.Outcome> filled = fillBuckets(database);
            LOG.infof(
                    "Demo: environment '%s' already serves project %s v%d (deployment %s); the example is not deployed again. Try:%n  %s%n  %s%s",
                    current.environment(),
                    current.project(),
                    current.version(),
                    current.id(),
                    DemoQueryHint.cli(baseUrl),
                    DemoQueryHint.curl(baseUrl),
                    filled.isPresent() ? modes() : "");
            return filled;
        }
        DeploymentResult result = deployProject();
        if (!secretConfigured) {
            LOG.warnf(
                    "slate.secret.fraud_db_url is not set: the example's resolvers will fail. Set it (and slate.secret.fraud_db_user) "
                            + "to the %s database, e.g. SLATE_SECRET_FRAUD_DB_URL=postgresql://HOST:PORT/%s, or run `slate up --demo`.",
                    DATABASE, DATABASE);
        }
        Optional<DemoAggregations.Outcome> filled = fillBuckets(database);
        LOG.infof(
                "Demo ready: project %s v%d (deployment %s) is active in environment '%s'%s. Try:%n  %s%n  %s%s",
                result.deployment().project(),
                result.deployment().version(),
                result.deployment().id(),
                result.deployment().environment(),
                result.unchanged() ? " (unchanged since the last start)" : "",
                DemoQueryHint.cli(baseUrl),
                DemoQueryHint.curl(baseUrl),
                filled.isPresent() ? modes() : "");
        return filled;
    }

    private static String modes() {
        StringBuilder text = new StringBuilder();
        DemoQueryHint.MODES.forEach(
                line -> text.append(System.lineSeparator()).append("  ").append(line));
        return text.toString();
    }

    /**
     * Ingests the seeded transactions the offline store lacks and backfills the materialized aggregations, while the
     * default environment serves a {@code fraud} project that has some (docs/specs/aggregations.md, "Backfill").
     */
    private Optional<DemoAggregations.Outcome> fillBuckets(DemoDatabase database) {
        String environment = EnvironmentName.DEFAULT;
        boolean example = state.snapshot(environment)
                .map(s -> s.deployment().graph().project().equals(PROJECT))
                .orElse(false);
        List<AggregationNode> materialized = example ? aggregations.materialized(environment) : List.of();
        if (materialized.isEmpty()) {
            return Optional.empty();
        }
        DemoAggregations.Outcome outcome;
        try {
            outcome = aggregations.fill(environment, database.transactions());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "the demo could not read the transactions of database " + DATABASE + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(
                    "the demo could not fill the buckets of "
                            + materialized.stream().map(a -> a.id().qualified()).toList()
                            + ": " + describe(cause),
                    cause);
        }
        for (AggregateBackfillService.Result b : outcome.backfills()) {
            LOG.infof(
                    "Demo: %s is materialized (bucket %s): %d transactions ingested into the offline store now, %d were"
                            + " there already (%d ms); the backfill replayed %d rows into its buckets (%d ms for all"
                            + " backfills)",
                    b.aggregation(),
                    b.bucket(),
                    outcome.ingested(),
                    outcome.alreadyStored(),
                    outcome.ingestTook().toMillis(),
                    b.rows(),
                    outcome.backfillTook().toMillis());
        }
        return Optional.of(outcome);
    }

    private DemoDatabase seedDatabase() {
        DemoDatabase database = new DemoDatabase(server, DATABASE);
        String script = ExampleProjects.fraudSeedSql();
        try {
            if (database.createIfMissing()) {
                LOG.infof("Demo: created database %s on %s:%d", DATABASE, server.host(), server.port());
            }
            DemoDatabase.Outcome outcome = database.seed(script);
            LOG.infof(
                    "Demo: database %s %s",
                    DATABASE, outcome == DemoDatabase.Outcome.SEEDED ? "seeded" : "already seeded, left as it is");
            return database;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "the demo database " + DATABASE + " could not be prepared on " + server.host() + ":" + server.port()
                            + " as user " + server.user() + ": " + e.getMessage(),
                    e);
        }
    }

    private Optional<Deployment> activeDeployment() {
        try {
            List<Deployment> all =
                    VertxContextSupport.subscribeAndAwait(() -> deployments.list(EnvironmentName.DEFAULT));
            return all.stream()
                    .filter(d -> d.status() == DeploymentStatus.ACTIVE)
                    .findFirst();
        } catch (Throwable e) {
            throw new IllegalStateException(
                    "the demo could not read the deployments of environment '" + EnvironmentName.DEFAULT + "': "
                            + describe(e),
                    e);
        }
    }

    private DeploymentResult deployProject() {
        Map<String, String> files = ExampleProjects.fraud();
        try {
            return VertxContextSupport.subscribeAndAwait(
                    () -> deployments.deploy(EnvironmentName.DEFAULT, files, true, ACTOR));
        } catch (Throwable e) {
            throw new IllegalStateException("the example project fraud could not be deployed: " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof SlateException slate) {
            StringBuilder text = new StringBuilder(slate.code() + ": " + slate.getMessage());
            slate.errors()
                    .forEach(error ->
                            text.append(System.lineSeparator()).append("  ").append(error));
            return text.toString();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
