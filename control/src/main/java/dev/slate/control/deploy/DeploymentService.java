package dev.slate.control.deploy;

import static java.util.Objects.requireNonNull;

import dev.slate.control.alerts.DeclaredAlerts;
import dev.slate.control.deploy.store.DeploymentRepository;
import dev.slate.control.deploy.store.EnvironmentMissingException;
import dev.slate.control.deploy.store.NewDeployment;
import dev.slate.control.deploy.store.StoreOutcome;
import dev.slate.control.diff.DeploymentDiff;
import dev.slate.control.env.EnvironmentsConfig;
import dev.slate.serving.model.ProjectProblem;
import dev.slate.serving.model.ProjectValidationException;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureGraph;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Deploys feature projects into environments, activates (and so rolls back) deployments, and lists
 * them. A project is validated before anything is stored: an invalid project leaves no trace and
 * never becomes active. An activation is published to serving right after its transaction commits.
 *
 * <p>Returns {@link Uni}s that use Hibernate Reactive sessions: subscribe on a safe Vert.x duplicated
 * context (REST resources run on one; elsewhere use {@code VertxContextSupport}). Request errors are
 * {@link SlateException}s.
 */
@ApplicationScoped
public class DeploymentService {
    private static final Logger LOG = Logger.getLogger(DeploymentService.class);

    private final DeploymentRepository repository;
    private final CompiledProjects compiled;
    private final ActiveDeploymentPublisher publisher;
    private final EnvironmentsConfig environments;
    private final DeclaredAlerts alerts;

    DeploymentService(
            DeploymentRepository repository,
            CompiledProjects compiled,
            ActiveDeploymentPublisher publisher,
            EnvironmentsConfig environments,
            DeclaredAlerts alerts) {
        this.repository = repository;
        this.compiled = compiled;
        this.publisher = publisher;
        this.environments = environments;
        this.alerts = alerts;
    }

    /**
     * Validates a project and stores it as the environment's next version (the environment is
     * created on its first deployment when {@code slate.environments.create-on-deploy} allows it), optionally activating it in the same transaction. Deploying
     * content the environment already holds stores nothing and returns that deployment flagged
     * {@code unchanged} (activated if asked).
     *
     * @param files file name to text ({@code slate.yaml} plus {@code *.yaml} and {@code *.sql} files)
     * @param actor who deploys, if known
     * @throws SlateException (as the Uni's failure) INVALID_QUERY for a bad environment name, NOT_FOUND for an
     *     environment that does not exist when deployments may not create it,
     *     PAYLOAD_TOO_LARGE beyond {@link ProjectLimits}, PARSE_FAILED for text PostgreSQL cannot store
     *     (NUL characters), VALIDATION_FAILED with one error per problem
     */
    public Uni<DeploymentResult> deploy(String environment, Map<String, String> files, boolean activate, String actor) {
        return Uni.createFrom().deferred(() -> {
            String env = EnvironmentName.require(environment);
            requireNonNull(files, "files is null");
            ProjectLimits.check(files);
            ProjectText.check(files);
            Map<String, String> project = Map.copyOf(files);
            return VertxContextSupport.executeBlocking(() -> checkAlerts(env, compile(project)))
                    .chain(graph -> repository
                            .save(
                                    new NewDeployment(
                                            env,
                                            graph.project(),
                                            graph.contentHash(),
                                            project,
                                            Optional.ofNullable(actor)),
                                    activate,
                                    environments.createOnDeploy())
                            .onFailure(EnvironmentMissingException.class)
                            .transform(
                                    e -> new SlateException(
                                            ErrorCode.NOT_FOUND,
                                            "there is no environment '" + env
                                                    + "'; create it first (POST /v1/environments, slate env create "
                                                    + env
                                                    + "): deployments do not create environments here (slate.environments.create-on-deploy=false)"))
                            .onFailure(DeploymentService::namespaceTaken)
                            .transform(
                                    e -> new SlateException(
                                            ErrorCode.CONFLICT,
                                            "environment '" + env
                                                    + "' cannot be created by this deployment: its name is a namespace another "
                                                    + "environment chose (docs/environments.md, \"Namespaces\"); create it with other namespaces first"))
                            .call(outcome -> publishIfActivated(outcome, graph))
                            .map(outcome -> new DeploymentResult(outcome.deployment(), outcome.unchanged())));
        });
    }

    /**
     * Makes a deployment of the environment its active one; activating an older deployment is a
     * rollback. The deployment is compiled first: one that no longer compiles is not activated.
     *
     * @param actor who activates, if known (logged)
     * @throws SlateException NOT_FOUND when the environment has no deployment with this id (also when
     *     the id belongs to another environment), VALIDATION_FAILED when it no longer compiles
     */
    public Uni<Deployment> activate(String environment, UUID id, String actor) {
        return Uni.createFrom().deferred(() -> {
            String env = EnvironmentName.require(environment);
            requireNonNull(id, "id is null");
            return repository
                    .find(env, id)
                    .map(found -> found.orElseThrow(() -> notFound(env, id)))
                    .chain(content -> VertxContextSupport.executeBlocking(() -> compileStored(content)))
                    .chain(graph -> repository
                            .activate(env, id)
                            .map(outcome -> outcome.orElseThrow(() -> notFound(env, id)))
                            .invoke(outcome -> {
                                if (outcome.activated()) {
                                    LOG.infof(
                                            "environment '%s': deployment %s (version %d) activated by %s",
                                            env,
                                            id,
                                            outcome.deployment().version(),
                                            actor == null ? "an anonymous caller" : actor);
                                }
                            })
                            .call(outcome -> publishIfActivated(outcome, graph))
                            .map(StoreOutcome::deployment));
        });
    }

    /** The environment's deployments, newest first (empty for an environment never deployed to). */
    public Uni<List<Deployment>> list(String environment) {
        return Uni.createFrom().deferred(() -> repository.list(EnvironmentName.require(environment)));
    }

    /**
     * One deployment of the environment.
     *
     * @throws SlateException NOT_FOUND when the environment has no deployment with this id
     */
    public Uni<Deployment> get(String environment, UUID id) {
        return content(environment, id).map(DeploymentContent::deployment);
    }

    /**
     * One deployment of the environment with its project files.
     *
     * @throws SlateException NOT_FOUND when the environment has no deployment with this id
     */
    public Uni<DeploymentContent> content(String environment, UUID id) {
        return Uni.createFrom().deferred(() -> {
            String env = EnvironmentName.require(environment);
            return repository.find(env, id).map(found -> found.orElseThrow(() -> notFound(env, id)));
        });
    }

    /**
     * What changed from deployment {@code from} to deployment {@code to} of the environment: features, resolvers
     * and how features are computed ({@link DeploymentDiff}).
     *
     * @throws SlateException NOT_FOUND when the environment has no deployment with one of the ids,
     *     VALIDATION_FAILED when one no longer compiles
     */
    public Uni<DeploymentDiff> diff(String environment, UUID from, UUID to) {
        return content(environment, from)
                .chain(a -> content(environment, to)
                        .chain(b -> VertxContextSupport.executeBlocking(
                                () -> DeploymentDiff.between(compileStored(a), compileStored(b)))));
    }

    /** After the commit: serving's observers run on a worker thread, so they may block briefly. */
    /** A new environment row collided with a namespace another environment chose (the unique indexes of V15_32). */
    private static boolean namespaceTaken(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null
                    && (m.contains("environments_online_namespace_unique")
                            || m.contains("environments_offline_namespace_unique"))) {
                return true;
            }
        }
        return false;
    }

    private Uni<Boolean> publishIfActivated(StoreOutcome outcome, FeatureGraph graph) {
        if (!outcome.activated()) {
            return Uni.createFrom().item(false);
        }
        return VertxContextSupport.executeBlocking(() -> {
            boolean published = publisher.publish(
                    ActiveDeploymentPublisher.toActive(outcome.deployment(), graph), outcome.revision());
            String env = outcome.deployment().environment();
            try {
                alerts.apply(env, graph);
            } catch (SlateException e) {
                // the activation committed; the declared rules follow at the next activation (docs/alerts.md)
                LOG.errorf(
                        e,
                        "environment '%s': the alert rules of deployment %s could not be stored",
                        env,
                        outcome.deployment().id());
            }
            return published;
        });
    }

    /** The project's alerts, checked against the environment's metrics and channels (docs/alerts.md, "Rules in the project"). */
    private FeatureGraph checkAlerts(String environment, FeatureGraph graph) {
        List<ProjectProblem> problems = alerts.problems(environment, graph);
        if (!problems.isEmpty()) {
            throw ProjectProblems.validationFailed("the project", new ProjectValidationException(problems));
        }
        return graph;
    }

    private FeatureGraph compile(Map<String, String> files) {
        try {
            return compiled.compile(files);
        } catch (ProjectValidationException e) {
            throw ProjectProblems.validationFailed("the project", e);
        }
    }

    private FeatureGraph compileStored(DeploymentContent content) {
        try {
            return compiled.compileStored(content.deployment().contentHash(), content.files());
        } catch (ProjectValidationException e) {
            throw ProjectProblems.validationFailed(
                    "deployment " + content.deployment().id()
                            + " no longer compiles with this version of Slate, so it cannot be activated; it",
                    e);
        }
    }

    private static SlateException notFound(String environment, UUID id) {
        return new SlateException(ErrorCode.NOT_FOUND, "environment '" + environment + "' has no deployment " + id);
    }
}
