package dev.slate.appliance.demo;

import dev.slate.appliance.config.DatabaseConfig;
import dev.slate.control.deploy.Deployment;
import dev.slate.control.deploy.DeploymentResult;
import dev.slate.control.deploy.DeploymentService;
import dev.slate.control.deploy.DeploymentStatus;
import dev.slate.control.deploy.EnvironmentName;
import dev.slate.serving.model.ExampleProjects;
import dev.slate.serving.model.error.SlateException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * With {@code slate.demo=true}: at startup (after the schema migrations), creates and seeds the
 * example's database {@value #DATABASE} on the metadata PostgreSQL server, then deploys and activates
 * the {@code fraud} example project in the default environment and logs a ready-to-paste query.
 * Both steps are idempotent: a restart re-seeds nothing, and the example is deployed only while the
 * default environment has no active deployment, so a later deployment or rollback by the user
 * survives a restart. A failure stops the startup, so {@code slate up --demo} never reports a
 * half-made demo as ready.
 */
@ApplicationScoped
class DemoSeeder {
    static final String DATABASE = "fraud_app";
    static final String ACTOR = "slate-demo";

    private static final Logger LOG = Logger.getLogger(DemoSeeder.class);

    private final boolean enabled;
    private final DemoDatabase.Server server;
    private final DeploymentService deployments;
    private final String baseUrl;
    private final boolean secretConfigured;

    DemoSeeder(
            @ConfigProperty(name = "slate.demo", defaultValue = "false") boolean enabled,
            DatabaseConfig database,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1") String httpHost,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int httpPort,
            @ConfigProperty(name = "slate.secret.fraud_db_url") Optional<String> fraudDbUrl,
            DeploymentService deployments) {
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
    }

    // Priority: after the metadata plane has loaded the active deployments (default priority observers)
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent startup) {
        if (!enabled) {
            return;
        }
        seedDatabase();
        Optional<Deployment> active = activeDeployment();
        if (active.isPresent()) {
            // never replace what the environment serves: the user may have deployed or rolled back since
            Deployment current = active.get();
            LOG.infof(
                    "Demo: environment '%s' already serves project %s v%d (deployment %s); the example is not deployed again. Try:%n  %s%n  %s",
                    current.environment(),
                    current.project(),
                    current.version(),
                    current.id(),
                    DemoQueryHint.cli(baseUrl),
                    DemoQueryHint.curl(baseUrl));
            return;
        }
        DeploymentResult result = deployProject();
        if (!secretConfigured) {
            LOG.warnf(
                    "slate.secret.fraud_db_url is not set: the example's resolvers will fail. Set it (and slate.secret.fraud_db_user) "
                            + "to the %s database, e.g. SLATE_SECRET_FRAUD_DB_URL=postgresql://HOST:PORT/%s, or run `slate up --demo`.",
                    DATABASE, DATABASE);
        }
        LOG.infof(
                "Demo ready: project %s v%d (deployment %s) is active in environment '%s'%s. Try:%n  %s%n  %s",
                result.deployment().project(),
                result.deployment().version(),
                result.deployment().id(),
                result.deployment().environment(),
                result.unchanged() ? " (unchanged since the last start)" : "",
                DemoQueryHint.cli(baseUrl),
                DemoQueryHint.curl(baseUrl));
    }

    private void seedDatabase() {
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
