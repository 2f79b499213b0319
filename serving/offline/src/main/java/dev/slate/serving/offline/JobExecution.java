package dev.slate.serving.offline;

import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.plan.PlanningException;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.offline.ExportCancelledException;
import dev.slate.storage.spi.offline.ExportColumnTypes;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportProgress;
import dev.slate.storage.spi.offline.ExportResult;
import dev.slate.storage.spi.offline.ExportedFeature;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.PointInTimeExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.duckdb.DuckDBConnection;
import org.jboss.logging.Logger;

/**
 * Runs one job on a worker thread: QUEUED → RUNNING, then one {@link OfflineStore#export} per entity with
 * outputs read from the log (straight into the result file when the spine has one key and the query one
 * entity and recomputes nothing; otherwise into part files), then the {@link Recomputation} of the
 * recomputed outputs, if any, into one more part file; the parts are joined row by row into the result.
 * Then SUCCEEDED (with a summary of the recomputed values that failed, if any), FAILED with the reason, or
 * CANCELLED. Only a complete result ever has the result file's name.
 */
final class JobExecution {

    /** The engine that recomputes features, and how many spine rows it may run at once. */
    record Recomputer(PlanExecutor executor, int concurrency) {
        Recomputer {
            Objects.requireNonNull(executor, "executor is null");
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
        }
    }

    private static final Logger LOG = Logger.getLogger(JobExecution.class);
    private static final long PROGRESS_SAVE_INTERVAL_NANOS = 2_000_000_000L;

    private final OfflineJob job;
    private final Path dir;
    private final OfflineStore store;
    private final OfflineJobRepository jobs;
    private final OfflineDuckDb parquet;
    private final Clock clock;
    private final ServingSnapshot snapshot;
    private final Recomputer recomputer;

    private volatile JobProgress progress;
    private FeatureErrors featureErrors;
    private volatile ExportControl current;
    private volatile boolean cancelled;
    private volatile boolean shuttingDown;
    private long lastSaved;

    /**
     * @param snapshot the deployment the job was bound against, or null when it is no longer active (a job
     *     that recomputes then fails with that reason; one that only reads the log does not need it)
     * @param recomputer what runs recomputations, or null when this appliance has none
     */
    JobExecution(
            OfflineJob job,
            Path dir,
            OfflineStore store,
            OfflineJobRepository jobs,
            OfflineDuckDb parquet,
            Clock clock,
            ServingSnapshot snapshot,
            Recomputer recomputer) {
        this.snapshot = snapshot;
        this.recomputer = recomputer;
        this.job = job;
        this.dir = dir;
        this.store = store;
        this.jobs = jobs;
        this.parquet = parquet;
        this.clock = clock;
        this.progress = JobProgress.queued(job.progress().spineRows());
    }

    JobProgress progress() {
        return progress;
    }

    /** The job was cancelled: stop the export now running, if any. */
    void cancel() {
        cancelled = true;
        ExportControl c = current;
        if (c != null) {
            c.cancel();
        }
    }

    /** The appliance stops: stop, but leave the record unfinished so that the next start takes the job over. */
    void interruptForShutdown() {
        shuttingDown = true;
        cancel();
    }

    void run() {
        if (cancelled || !jobs.markRunning(job.id(), clock.instant())) {
            return; // cancelled while queued
        }
        lastSaved = System.nanoTime();
        Path result = dir.resolve(OfflineQueryService.RESULT_FILE);
        try {
            ExportResult written = export(result);
            if (featureErrors != null) {
                LOG.infof(
                        "offline query job %s: %d recomputed values failed (in %d rows); see the job's feature_errors",
                        job.id(), featureErrors.total(), featureErrors.rows());
            }
            if (!jobs.markSucceeded(job.id(), written.rows(), written.bytes(), featureErrors, clock.instant())) {
                deleteOutputs(dir); // cancelled at the last moment
            }
        } catch (ExportCancelledException e) {
            // a cancel by request never interrupts the worker; an interrupt means the appliance is stopping
            if (!shuttingDown && !Thread.currentThread().isInterrupted()) {
                jobs.markCancelled(job.id(), "cancelled by request", clock.instant());
                deleteOutputs(dir);
            }
        } catch (IllegalArgumentException e) {
            fail("the spine cannot be used: " + e.getMessage(), null);
        } catch (RuntimeException e) {
            if (shuttingDown) {
                return;
            }
            fail(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        } catch (Error e) {
            // e.g. a class missing from a half-replaced installation: the job must not stay RUNNING for ever
            if (!shuttingDown) {
                fail("internal error: " + e, e);
            }
            throw e;
        }
    }

    private void fail(String reason, Throwable cause) {
        if (cause != null) {
            LOG.warnf(cause, "offline query job %s failed", job.id());
        }
        jobs.markFailed(job.id(), abbreviate(reason), clock.instant());
        deleteOutputs(dir);
    }

    /** A file with one row per spine row, in spine order, holding some of the result's output columns. */
    private record Part(Path file, List<String> columns) {}

    private ExportResult export(Path result) {
        OfflineQueryPlan plan = job.plan();
        Path spine = dir.resolve(OfflineQueryService.SPINE_FILE);
        List<OfflineQueryPlan.Output> logged = plan.loggedOutputs();
        List<String> entities =
                logged.stream().map(OfflineQueryPlan.Output::entity).distinct().toList();
        boolean computes = plan.recomputes()
                || plan.derives()
                || !plan.pathOutputs().isEmpty()
                || !plan.aggregateOutputs().isEmpty();
        if (!computes && entities.size() == 1 && plan.keys().size() == 1) {
            return exportEntity(entities.get(0), features(logged, entities.get(0)), spine, result, 0, 1);
        }
        // progress: the log reads take the first share, the recomputation most of the rest, then the join
        double logShare = computes ? 0.15 : 0.95;
        List<Part> parts = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            for (int i = 0; i < entities.size(); i++) {
                Path part = dir.resolve("part-" + i + ".parquet");
                files.add(part);
                List<ExportedFeature> features = features(logged, entities.get(i));
                exportEntity(
                        entities.get(i),
                        features,
                        spine,
                        part,
                        logShare * i / entities.size(),
                        logShare * (i + 1) / entities.size());
                parts.add(new Part(
                        part, features.stream().map(ExportedFeature::column).toList()));
            }
            List<OfflineQueryPlan.Output> paths = plan.pathOutputs();
            for (int i = 0; i < paths.size(); i++) {
                throwIfCancelled();
                report("following relations", logShare + 0.05 * i / paths.size());
                parts.add(followPath(spine, paths.get(i), i, files));
            }
            List<String> computed = new ArrayList<>();
            plan.recomputedOutputs().forEach(o -> computed.add(o.name()));
            plan.derivedOutputs().forEach(o -> computed.add(o.name()));
            plan.aggregateOutputs().forEach(o -> computed.add(o.name()));
            FeatureErrors.Collector errors = new FeatureErrors.Collector(computed);
            if (!plan.aggregateOutputs().isEmpty()) {
                parts.add(aggregate(spine, files, logShare + 0.05, errors));
            }
            if (plan.recomputes()) {
                parts.add(recompute(spine, files, logShare, false, errors));
            }
            if (plan.derives()) {
                parts.add(recompute(spine, files, plan.recomputes() ? (logShare + 0.95) / 2 : logShare, true, errors));
            }
            if (computes) {
                featureErrors = errors.result();
            }
            throwIfCancelled();
            report("combining", 0.95);
            return combine(spine, parts, result);
        } finally {
            for (Path part : files) {
                deleteQuietly(part);
            }
        }
    }

    private static List<ExportedFeature> features(List<OfflineQueryPlan.Output> outputs, String entity) {
        List<ExportedFeature> features = new ArrayList<>();
        for (OfflineQueryPlan.Output o : outputs) {
            if (o.entity().equals(entity)) {
                features.add(new ExportedFeature(o.lookup(), o.name()));
            }
        }
        return features;
    }

    /**
     * Recomputes the recomputed outputs: reads the ingested features they need from the log (one export
     * per entity), then runs the engine over the spine. Adds its files to {@code files} (deleted by the caller).
     */
    private Part recompute(Path spine, List<Path> files, double from, boolean derive, FeatureErrors.Collector errors) {
        if (recomputer == null) {
            throw new IllegalStateException(
                    "this appliance cannot recompute features (no resolver runner is configured)");
        }
        ServingSnapshot snapshot = this.snapshot;
        if (snapshot == null) {
            throw new IllegalStateException("the job recomputes features with deployment "
                    + job.plan().deploymentId() + ", which is no longer active in environment " + job.environment()
                    + "; submit the query again");
        }
        RecomputePlan plan;
        try {
            plan = derive ? RecomputePlan.derive(snapshot, job.plan()) : RecomputePlan.of(snapshot, job.plan());
        } catch (PlanningException e) {
            throw new IllegalStateException(
                    "the " + (derive ? "expression" : "recomputed") + " outputs cannot be planned: " + e.getMessage(),
                    e);
        }
        String prefix = derive ? "derived" : "recomputed";
        report("planning", from);
        List<String> entities = plan.loggedEntities();
        double inputsShare = 0.05;
        Map<String, Path> loggedParts = new LinkedHashMap<>();
        for (int i = 0; i < entities.size(); i++) {
            String entity = entities.get(i);
            Path part = dir.resolve(prefix + "-inputs-" + i + ".parquet");
            files.add(part);
            List<ExportedFeature> features = plan.logged().stream()
                    .filter(l -> l.entity().equals(entity))
                    .map(RecomputePlan.LoggedInput::lookup)
                    .toList();
            exportEntity(
                    entity,
                    features,
                    spine,
                    part,
                    from + inputsShare * i / entities.size(),
                    from + inputsShare * (i + 1) / entities.size());
            loggedParts.put(entity, part);
        }
        throwIfCancelled();
        Path output = dir.resolve(prefix + ".parquet");
        files.add(output);
        double start = from + inputsShare;
        String stage = derive ? "computing expressions" : "recomputing";
        report(stage, start);
        Recomputation run = new Recomputation(
                job,
                plan,
                snapshot.deployment().graph(),
                recomputer.executor(),
                recomputer.concurrency(),
                parquet,
                () -> cancelled,
                f -> report(stage, start + (0.95 - start) * f));
        run.run(spine, loggedParts, output, errors);
        return new Part(
                output,
                plan.outputs().stream().map(OfflineQueryPlan.Output::name).toList());
    }

    /**
     * Computes the windows of aggregations from the history of the related rows (docs/specs/aggregations.md, "Offline")
     * into one part file. Needs the deployment the job was bound against, as its relations and functions are read there.
     */
    private Part aggregate(Path spine, List<Path> files, double from, FeatureErrors.Collector errors) {
        ServingSnapshot snapshot = this.snapshot;
        if (snapshot == null) {
            throw new IllegalStateException("the job computes windowed aggregations with deployment "
                    + job.plan().deploymentId() + ", which is no longer active in environment " + job.environment()
                    + "; submit the query again");
        }
        Path output = dir.resolve("aggregates.parquet");
        files.add(output);
        report("aggregating", from);
        new OfflineAggregation(
                        job.environment(),
                        job.plan(),
                        snapshot,
                        store,
                        parquet,
                        () -> cancelled,
                        f -> report("aggregating", from + 0.2 * f))
                .run(spine, output, errors);
        return new Part(
                output,
                job.plan().aggregateOutputs().stream()
                        .map(OfflineQueryPlan.Output::name)
                        .toList());
    }

    /**
     * Reads one output through its relations (docs/offline.md, "Relationships"): for each hop, the foreign key is read
     * point-in-time at each row's input time, and the rows whose foreign key has a value become the next spine (the
     * related entity's key, the same input time, and the original row's number in {@code slate_origin}); the feature is
     * read point-in-time on the last spine and put back at its original rows (null where a foreign key was null or no
     * related value matched). Adds its files to {@code files}.
     */
    private Part followPath(Path spine, OfflineQueryPlan.Output output, int index, List<Path> files) {
        String prefix = "path-" + index + "-";
        Path current = spine;
        String currentKey = job.plan().keyOf(output.entity()).name();
        String currentEntity = output.entity();
        boolean original = true; // the job's spine: its row number is the origin
        List<OfflineQueryPlan.Hop> hops = output.path();
        try (DuckDBConnection c = parquet.connect()) {
            for (int h = 0; h < hops.size(); h++) {
                OfflineQueryPlan.Hop hop = hops.get(h);
                Path holders = dir.resolve(prefix + h + "-fk.parquet");
                files.add(holders);
                exportFrom(
                        currentEntity,
                        current,
                        currentKey,
                        List.of(new ExportedFeature(
                                hop.holder().lookup(), hop.holder().name())),
                        holders);
                Path next = dir.resolve(prefix + h + "-spine.parquet");
                files.add(next);
                String origin = original ? "s.file_row_number" : "s.slate_origin";
                String sql =
                        "COPY (SELECT h." + SqlQuoting.identifier(hop.holder().name()) + " AS "
                                + SqlQuoting.identifier(hop.target().name())
                                + ", s." + PointInTimeExport.INPUT_TIME + ", " + origin
                                + " AS slate_origin FROM read_parquet(" + SqlQuoting.literal(current)
                                + ", file_row_number = true) s JOIN read_parquet(" + SqlQuoting.literal(holders)
                                + ", file_row_number = true) h"
                                + " ON h.file_row_number = s.file_row_number WHERE h."
                                + SqlQuoting.identifier(hop.holder().name())
                                + " IS NOT NULL ORDER BY s.file_row_number) TO " + SqlQuoting.literal(next)
                                + " (FORMAT PARQUET)";
                EmbeddedDuckDb.execute(c, sql);
                current = next;
                currentKey = hop.target().name();
                currentEntity = hop.target().entity();
                original = false;
                throwIfCancelled();
            }
            Path values = dir.resolve(prefix + "values.parquet");
            files.add(values);
            exportFrom(
                    currentEntity,
                    current,
                    currentKey,
                    List.of(new ExportedFeature(output.lookup(), output.name())),
                    values);
            Path part = dir.resolve(prefix + "part.parquet");
            files.add(part);
            String column = SqlQuoting.identifier(output.name());
            EmbeddedDuckDb.execute(
                    c,
                    "COPY (SELECT x." + column + " FROM read_parquet(" + SqlQuoting.literal(spine)
                            + ", file_row_number = true) o"
                            + " LEFT JOIN (SELECT s.slate_origin, v." + column + " FROM read_parquet("
                            + SqlQuoting.literal(current) + ", file_row_number = true) s"
                            + " JOIN read_parquet(" + SqlQuoting.literal(values)
                            + ", file_row_number = true) v ON v.file_row_number = s.file_row_number) x"
                            + " ON x.slate_origin = o.file_row_number ORDER BY o.file_row_number) TO "
                            + SqlQuoting.literal(part) + " (FORMAT PARQUET)");
            return new Part(part, List.of(output.name()));
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot follow the relations of " + output.name() + ": " + OfflineDuckDb.firstLine(e.getMessage()),
                    e);
        }
    }

    /**
     * A point-in-time export of {@code features} of {@code entity} over {@code spine} keyed by {@code keyColumn}; a spine
     * without rows (every foreign key was null) gives an output without rows.
     */
    private void exportFrom(String entity, Path spine, String keyColumn, List<ExportedFeature> features, Path output)
            throws SQLException {
        if (spine.equals(dir.resolve(OfflineQueryService.SPINE_FILE)) || rows(spine) > 0) {
            ExportControl control = new ExportControl(p -> {});
            current = control;
            try {
                if (cancelled) {
                    control.cancel();
                }
                store.export(
                        new PointInTimeExport(job.environment(), entity, spine, List.of(keyColumn), features, output),
                        control);
            } finally {
                current = null;
            }
            return;
        }
        try (DuckDBConnection c = parquet.connect()) {
            StringBuilder sql = new StringBuilder("COPY (SELECT * FROM (SELECT 0");
            for (ExportedFeature f : features) {
                sql.append(", CAST(NULL AS ")
                        .append(ExportColumnTypes.duckDbType(f.lookup().slot().type()))
                        .append(") AS ")
                        .append(SqlQuoting.identifier(f.column()));
            }
            sql.append(") WHERE false) TO ").append(SqlQuoting.literal(output)).append(" (FORMAT PARQUET)");
            EmbeddedDuckDb.execute(c, sql.toString());
        }
    }

    private long rows(Path file) throws SQLException {
        try (DuckDBConnection c = parquet.connect();
                var st = c.prepareStatement("SELECT count(*) FROM read_parquet(?)")) {
            st.setString(1, file.toString());
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private ExportResult exportEntity(
            String entity, List<ExportedFeature> features, Path spine, Path output, double from, double to) {
        ExportControl control = new ExportControl(p -> report(stage(p.stage()), from + (to - from) * p.fraction()));
        current = control;
        try {
            if (cancelled) {
                control.cancel();
            }
            return store.export(
                    new PointInTimeExport(
                            job.environment(),
                            entity,
                            spine,
                            List.of(job.plan().keyOf(entity).name()),
                            features,
                            output),
                    control);
        } finally {
            current = null;
        }
    }

    /** Joins the part files row by row (they are in spine order) after the spine's key and time columns. */
    private ExportResult combine(Path spine, List<Part> parts, Path result) {
        OfflineQueryPlan plan = job.plan();
        StringBuilder select = new StringBuilder("SELECT ");
        for (OfflineQueryPlan.KeyColumn key : plan.keys()) {
            select.append("s.").append(SqlQuoting.identifier(key.name())).append(", ");
        }
        select.append("s.").append(PointInTimeExport.INPUT_TIME);
        for (OfflineQueryPlan.Output o : plan.outputs()) {
            int part = -1;
            for (int i = 0; i < parts.size() && part < 0; i++) {
                if (parts.get(i).columns().contains(o.name())) {
                    part = i;
                }
            }
            if (part < 0) {
                throw new IllegalStateException("no part file holds output " + o.name());
            }
            select.append(", p").append(part).append('.').append(SqlQuoting.identifier(o.name()));
        }
        select.append(" FROM read_parquet(").append(SqlQuoting.literal(spine)).append(") s");
        for (int i = 0; i < parts.size(); i++) {
            select.append(" POSITIONAL JOIN read_parquet(")
                    .append(SqlQuoting.literal(parts.get(i).file()))
                    .append(") p")
                    .append(i);
        }
        Path partial = result.resolveSibling(result.getFileName() + ".partial-" + UUID.randomUUID());
        try (DuckDBConnection c = parquet.connect()) {
            EmbeddedDuckDb.execute(c, "COPY (" + select + ") TO " + SqlQuoting.literal(partial) + " (FORMAT PARQUET)");
            throwIfCancelled();
            Files.move(partial, result, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            report("done", 1);
            return new ExportResult(result, job.progress().spineRows(), Files.size(result));
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot combine the parts of the result: " + OfflineDuckDb.firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(partial);
        }
    }

    private void throwIfCancelled() {
        if (cancelled) {
            throw new ExportCancelledException("the job was cancelled");
        }
    }

    private synchronized void report(String stage, double fraction) {
        JobProgress p = new JobProgress(
                stage, Math.max(progress.fraction(), fraction), job.progress().spineRows());
        progress = p;
        long now = System.nanoTime();
        if (now - lastSaved >= PROGRESS_SAVE_INTERVAL_NANOS) {
            lastSaved = now;
            try {
                jobs.saveProgress(job.id(), p, Instant.now(clock));
            } catch (RuntimeException e) {
                // progress in the record is a convenience; the live progress is served from memory
            }
        }
    }

    private static String stage(ExportProgress.Stage stage) {
        return stage.name().toLowerCase(Locale.ROOT);
    }

    /** Removes a job's result and every partial or part file; keeps the spine. */
    static void deleteOutputs(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!name.equals(OfflineQueryService.SPINE_FILE)) {
                    deleteQuietly(f);
                }
            }
        } catch (IOException e) {
            LOG.warnf("cannot clean %s: %s", dir, e.getMessage());
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            LOG.debugf("cannot delete %s: %s", f, e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 2000 ? s.substring(0, 1997) + "..." : s;
    }
}
