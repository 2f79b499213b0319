package dev.slate.offline;

import dev.slate.storage.spi.offline.ExportCancelledException;
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
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.duckdb.DuckDBConnection;
import org.jboss.logging.Logger;

/**
 * Runs one job on a worker thread: QUEUED → RUNNING, then one {@link OfflineStore#export} per entity with
 * outputs (straight into the result file when the spine has one key and the query one entity; otherwise into
 * part files that are joined row by row into the result), then SUCCEEDED, FAILED with the reason, or
 * CANCELLED. Only a complete result ever has the result file's name.
 */
final class JobExecution {

    private static final Logger LOG = Logger.getLogger(JobExecution.class);
    private static final long PROGRESS_SAVE_INTERVAL_NANOS = 2_000_000_000L;

    private final OfflineJob job;
    private final Path dir;
    private final OfflineStore store;
    private final OfflineJobRepository jobs;
    private final ParquetFiles parquet;
    private final Clock clock;

    private volatile JobProgress progress;
    private volatile ExportControl current;
    private volatile boolean cancelled;
    private volatile boolean shuttingDown;
    private long lastSaved;

    JobExecution(OfflineJob job, Path dir, OfflineStore store, OfflineJobRepository jobs, ParquetFiles parquet, Clock clock) {
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
            if (!jobs.markSucceeded(job.id(), written.rows(), written.bytes(), clock.instant())) {
                deleteOutputs(dir); // cancelled at the last moment
            }
        } catch (ExportCancelledException e) {
            if (!shuttingDown) {
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
        }
    }

    private void fail(String reason, Throwable cause) {
        if (cause != null) {
            LOG.warnf(cause, "offline query job %s failed", job.id());
        }
        jobs.markFailed(job.id(), abbreviate(reason), clock.instant());
        deleteOutputs(dir);
    }

    private ExportResult export(Path result) {
        OfflineQueryPlan plan = job.plan();
        Path spine = dir.resolve(OfflineQueryService.SPINE_FILE);
        List<String> entities = plan.entities();
        if (entities.size() == 1 && plan.keys().size() == 1) {
            return exportEntity(entities.get(0), spine, result, 0, 1);
        }
        List<Path> parts = new ArrayList<>();
        try {
            for (int i = 0; i < entities.size(); i++) {
                Path part = dir.resolve("part-" + i + ".parquet");
                parts.add(part);
                exportEntity(entities.get(i), spine, part, 0.95 * i / entities.size(), 0.95 * (i + 1) / entities.size());
            }
            throwIfCancelled();
            report("combining", 0.95);
            return combine(spine, entities, parts, result);
        } finally {
            for (Path part : parts) {
                deleteQuietly(part);
            }
        }
    }

    private ExportResult exportEntity(String entity, Path spine, Path output, double from, double to) {
        OfflineQueryPlan plan = job.plan();
        List<ExportedFeature> features = new ArrayList<>();
        for (OfflineQueryPlan.Output o : plan.outputs()) {
            if (o.entity().equals(entity)) {
                features.add(new ExportedFeature(o.lookup(), o.name()));
            }
        }
        ExportControl control = new ExportControl(p -> report(stage(p.stage()), from + (to - from) * p.fraction()));
        current = control;
        try {
            if (cancelled) {
                control.cancel();
            }
            return store.export(new PointInTimeExport(job.environment(), entity, spine, List.of(plan.keyOf(entity).name()), features, output), control);
        } finally {
            current = null;
        }
    }

    /** Joins the part files row by row (they are in spine order) after the spine's key and time columns. */
    private ExportResult combine(Path spine, List<String> entities, List<Path> parts, Path result) {
        OfflineQueryPlan plan = job.plan();
        StringBuilder select = new StringBuilder("SELECT ");
        for (OfflineQueryPlan.KeyColumn key : plan.keys()) {
            select.append("s.").append(ParquetFiles.quote(key.name())).append(", ");
        }
        select.append("s.").append(PointInTimeExport.INPUT_TIME);
        for (OfflineQueryPlan.Output o : plan.outputs()) {
            select.append(", p").append(entities.indexOf(o.entity())).append('.').append(ParquetFiles.quote(o.name()));
        }
        select.append(" FROM read_parquet(").append(ParquetFiles.literal(spine)).append(") s");
        for (int i = 0; i < parts.size(); i++) {
            select.append(" POSITIONAL JOIN read_parquet(").append(ParquetFiles.literal(parts.get(i))).append(") p").append(i);
        }
        Path partial = result.resolveSibling(result.getFileName() + ".partial-" + UUID.randomUUID());
        try (DuckDBConnection c = parquet.connect()) {
            ParquetFiles.execute(c, "COPY (" + select + ") TO " + ParquetFiles.literal(partial) + " (FORMAT PARQUET)");
            throwIfCancelled();
            Files.move(partial, result, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            report("done", 1);
            return new ExportResult(result, job.progress().spineRows(), Files.size(result));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot combine the results of " + entities + ": " + ParquetFiles.firstLine(e.getMessage()), e);
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
        JobProgress p = new JobProgress(stage, Math.max(progress.fraction(), fraction), job.progress().spineRows());
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
