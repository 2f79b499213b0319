package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.exec.QueryObserver;
import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.engine.upload.Uploads;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.storage.duckdb.Directories;
import dev.slate.storage.spi.offline.OfflineStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Offline (point-in-time) queries as asynchronous jobs (docs/specs/rest-contract.md, §6): a submission is validated and bound
 * at once (every problem is a 4xx, never a failed job), its spine is written to the job's directory and a
 * record is stored; a small bounded pool of workers runs the jobs through {@link OfflineStore#export}. Jobs
 * can be watched, cancelled, and read as Parquet or JSON; a restart re-queues or fails the jobs it finds
 * unfinished ({@link #recover()}).
 *
 * <p>All methods block (files, DuckDB, the metadata database): call them off event-loop threads.
 */
public final class OfflineQueryService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OfflineQueryService.class);
    private static final Pattern JOB_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern DATASET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    static final String SPINE_FILE = "spine.parquet";
    static final String RESULT_FILE = "result.parquet";
    static final String UPLOAD_FILE = "upload.parquet";

    private final ServingState state;
    private final OfflineStore store;
    private final OfflineJobRepository jobs;
    private final OfflineQueryConfig config;
    private final Clock clock;
    private final OfflineDuckDb parquet;
    private final ThreadPoolExecutor workers;
    private final ConcurrentMap<String, JobExecution> live = new ConcurrentHashMap<>();
    private final JobExecution.Recomputer recomputer;
    private final boolean canRecompute;

    /** A service that only reads the feature log: a query asking to recompute is refused (400). */
    public OfflineQueryService(
            ServingState state, OfflineStore store, OfflineJobRepository jobs, OfflineQueryConfig config, Clock clock) {
        this(state, store, jobs, config, clock, null);
    }

    /**
     * @param resolvers runs the resolvers of recomputed features (the online engine's runner, for PostgreSQL
     *     and Parquet sources); null when this service cannot recompute
     */
    public OfflineQueryService(
            ServingState state,
            OfflineStore store,
            OfflineJobRepository jobs,
            OfflineQueryConfig config,
            Clock clock,
            ResolverRunner resolvers) {
        // without resolvers the engine still evaluates expressions (derived outputs); only recompute is refused
        this.canRecompute = resolvers != null;
        ResolverRunner runner = resolvers != null
                ? resolvers
                : (graph, resolver, parameters) -> CompletableFuture.failedFuture(
                        new ResolverFailure("this appliance cannot run resolvers offline"));
        this.recomputer = new JobExecution.Recomputer(
                new PlanExecutor(NoOnlineStore.INSTANCE, runner, QueryObserver.NONE, Duration.ofSeconds(1)),
                config.recomputeConcurrency());
        this.state = requireNonNull(state, "state is null");
        this.store = requireNonNull(store, "store is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        try {
            Files.createDirectories(config.jobsDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the offline jobs directory " + config.jobsDir(), e);
        }
        this.parquet = new OfflineDuckDb(config.jobsDir().resolve(".tmp"));
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(
                config.workerThreads(),
                config.workerThreads(),
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform()
                        .daemon()
                        .name("slate-offline-query-" + threads.incrementAndGet())
                        .unstarted(r));
    }

    // ---- submitting ----------------------------------------------------------------------------

    /** Submits a query whose spine is in the request; answers the QUEUED job. */
    public OfflineJob submit(String environment, OfflineQueryRequest request) {
        checkRecompute(request.recompute());
        Optional<String> datasetName = checkDatasetName(request.datasetName());
        ServingSnapshot snapshot = snapshot(environment);
        OfflineQueryPlan plan =
                OfflineQueryBinder.bind(snapshot, Spines.keyColumns(request), request.outputs(), request.recompute());
        checkRecomputeRows(
                plan, request.inputTimes() == null ? 0 : request.inputTimes().size());
        checkCapacity();
        String id = UUID.randomUUID().toString();
        Path dir = jobDir(id);
        try {
            Files.createDirectories(dir);
            long rows = Spines.writeJson(parquet, dir.resolve(SPINE_FILE), plan, request, config.maxSpineRows());
            return enqueueNew(id, environment, datasetName, plan, rows, snapshot);
        } catch (IOException e) {
            deleteTree(dir);
            throw new UncheckedIOException("cannot create the job directory", e);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /**
     * Submits a query whose spine is a Parquet file ({@code body}: key columns named by their key feature, e.g.
     * {@code user.id}, and a timestamp column {@code input_time}); answers the QUEUED job.
     *
     * @param maxBytes most bytes the file may have
     */
    public OfflineJob submitParquet(
            String environment,
            InputStream body,
            List<String> outputs,
            Recompute recompute,
            Optional<String> datasetName,
            long maxBytes) {
        checkRecompute(recompute);
        Optional<String> name = checkDatasetName(datasetName);
        ServingSnapshot snapshot = snapshot(environment);
        if (outputs == null || outputs.isEmpty()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "name the outputs in query parameters, e.g. ?outputs=user.credit_score&outputs=user.age");
        }
        checkCapacity();
        String id = UUID.randomUUID().toString();
        Path dir = jobDir(id);
        try {
            Files.createDirectories(dir);
            Path upload = dir.resolve(UPLOAD_FILE);
            Uploads.store(body, upload, maxBytes, "the spine file", "the spine as a Parquet file");
            var columns = Spines.uploadColumns(parquet, upload);
            OfflineQueryPlan plan =
                    OfflineQueryBinder.bind(snapshot, Spines.uploadKeyColumns(columns), outputs, recompute);
            long rows =
                    Spines.acceptUpload(parquet, upload, columns, plan, config.maxSpineRows(), dir.resolve(SPINE_FILE));
            checkRecomputeRows(plan, rows);
            return enqueueNew(id, environment, name, plan, rows, snapshot);
        } catch (IOException e) {
            deleteTree(dir);
            throw new UncheckedIOException("cannot store the uploaded spine", e);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private OfflineJob enqueueNew(
            String id,
            String environment,
            Optional<String> datasetName,
            OfflineQueryPlan plan,
            long rows,
            ServingSnapshot snapshot) {
        Instant now = clock.instant();
        OfflineJob job = new OfflineJob(
                id,
                environment,
                datasetName,
                JobStatus.QUEUED,
                plan,
                JobProgress.queued(rows),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                0,
                config.runnerId(),
                now,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        jobs.insert(job);
        enqueue(job, snapshot);
        return job;
    }

    /**
     * @param snapshot the deployment the job was bound against (a recomputation runs its resolvers), or null
     *     when it is no longer active
     */
    private void enqueue(OfflineJob job, ServingSnapshot snapshot) {
        JobExecution execution =
                new JobExecution(job, jobDir(job.id()), store, jobs, parquet, clock, snapshot, recomputer);
        live.put(job.id(), execution);
        workers.execute(() -> {
            try {
                execution.run();
            } finally {
                live.remove(job.id());
            }
        });
    }

    private void checkCapacity() {
        if (workers.getQueue().size() >= config.maxQueuedJobs()) {
            throw new SlateException(
                    ErrorCode.CONFLICT,
                    SlateException.Condition.BUSY,
                    "too many offline queries are waiting ("
                            + workers.getQueue().size() + "); try again when some have finished");
        }
    }

    /** Refuses a recompute this service cannot run (no resolver runner); the binder checks the value itself. */
    private void checkRecompute(Recompute recompute) {
        if (recompute.asked() && !canRecompute) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "this appliance cannot recompute features (no resolver runner is configured);"
                            + " send \"recompute\": false to read the feature log");
        }
    }

    private void checkRecomputeRows(OfflineQueryPlan plan, long rows) {
        if (plan.recomputes() && rows > config.maxRecomputeRows()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "the spine has " + rows + " rows; a query that recomputes features may have at most "
                            + config.maxRecomputeRows()
                            + " (slate.offline.max-recompute-rows): recomputing runs the resolvers once per row");
        }
    }

    private static Optional<String> checkDatasetName(Optional<String> name) {
        if (name.isPresent() && !DATASET_NAME.matcher(name.get()).matches()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "dataset_name must be 1 to 128 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        return name;
    }

    private ServingSnapshot snapshot(String environment) {
        return state.snapshot(environment)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.NO_ACTIVE_DEPLOYMENT,
                        "environment '" + environment
                                + "' has no active deployment; deploy a project first (POST /v1/deployments)"));
    }

    // ---- watching, cancelling, reading ---------------------------------------------------------

    /** The job as it is now (live progress while it runs); 404 when there is no such job in the environment. */
    public OfflineJob get(String environment, String id) {
        OfflineJob job = find(environment, id);
        JobExecution running = live.get(id);
        return running != null && !job.status().finished() ? job.withProgress(running.progress()) : job;
    }

    private OfflineJob find(String environment, String id) {
        if (id == null || !JOB_ID.matcher(id).matches()) {
            throw notFound(id);
        }
        return jobs.find(id).filter(j -> j.environment().equals(environment)).orElseThrow(() -> notFound(id));
    }

    private static SlateException notFound(String id) {
        String shown = id == null ? "" : id.length() > 64 ? id.substring(0, 61) + "..." : id;
        return new SlateException(ErrorCode.NOT_FOUND, "no offline query job '" + shown + "' in this environment");
    }

    /** Cancels a QUEUED or RUNNING job: it becomes CANCELLED, DuckDB stops, partial files go. 409 when it has finished. */
    public OfflineJob cancel(String environment, String id) {
        OfflineJob job = find(environment, id);
        if (!jobs.markCancelled(id, "cancelled by request", clock.instant())) {
            OfflineJob now = find(environment, id);
            throw new SlateException(
                    ErrorCode.CONFLICT,
                    "job " + id + " has already finished (" + now.status() + "); there is nothing to cancel");
        }
        JobExecution running = live.get(id);
        if (running != null) {
            running.cancel();
        }
        if (running == null || job.status() == JobStatus.QUEUED) {
            JobExecution.deleteOutputs(jobDir(id));
        }
        return find(environment, id);
    }

    /** A finished job's result file. */
    public record JobResult(OfflineJob job, Path file) {}

    /**
     * The result of a SUCCEEDED job; otherwise a problem: 409 while it is queued or running and when it
     * failed (with the reason), 410 when it was cancelled or its file is gone.
     */
    public JobResult result(String environment, String id) {
        OfflineJob job = get(environment, id);
        switch (job.status()) {
            case QUEUED, RUNNING ->
                throw new SlateException(
                        ErrorCode.CONFLICT,
                        "job " + id + " is " + job.status() + " ("
                                + job.progress().stage() + ", "
                                + Math.round(job.progress().fraction() * 100)
                                + "%); its result is ready when its status is SUCCEEDED");
            case FAILED ->
                throw new SlateException(
                        ErrorCode.CONFLICT,
                        "job " + id + " failed, there is no result: "
                                + job.error().orElse("unknown reason"));
            case CANCELLED ->
                throw new SlateException(
                        ErrorCode.CONFLICT,
                        SlateException.Condition.GONE,
                        "job " + id + " was cancelled, there is no result");
            case SUCCEEDED -> {
                Path file = jobDir(id).resolve(RESULT_FILE);
                if (!Files.isRegularFile(file)) {
                    throw new SlateException(
                            ErrorCode.CONFLICT,
                            SlateException.Condition.GONE,
                            "the result of job " + id + " is no longer on this appliance");
                }
                return new JobResult(job, file);
            }
        }
        throw new IllegalStateException();
    }

    /** Writes a result as JSON: {@code {"job_id", "dataset_name", "columns": [...], "rows": [{...}, ...]}}, streamed. */
    public void writeJson(JobResult result, OutputStream out) throws IOException {
        ResultJson.write(parquet, result.job(), result.file(), out);
    }

    /** Streams a result as an Arrow IPC stream: the columns and types of its Parquet file, in record batches. */
    public void writeArrow(JobResult result, OutputStream out) throws IOException {
        writeArrow(result, out, ResultArrow.BATCH_ROWS);
    }

    /** {@link #writeArrow(JobResult, OutputStream)} in record batches of at most {@code batchRows} rows. */
    void writeArrow(JobResult result, OutputStream out, int batchRows) throws IOException {
        ResultArrow.write(parquet, result.job(), result.file(), out, ARROW_MEMORY_LIMIT, batchRows);
    }

    /** Most off-heap memory one Arrow result stream holds at a time (a few record batches). */
    private static final long ARROW_MEMORY_LIMIT = 512L * 1024 * 1024;

    // ---- restarts --------------------------------------------------------------------------------

    /** What {@link #recover()} did. */
    public record Recovery(List<String> requeued, List<String> failed) {}

    /**
     * Takes over this runner's unfinished jobs after a restart: a QUEUED or RUNNING job whose spine file is
     * still there is queued again (a note in its record says so); one whose spine is gone becomes FAILED
     * with the reason. Call once at start-up, before new submissions.
     */
    public Recovery recover() {
        List<String> requeued = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (OfflineJob job : jobs.active(config.runnerId())) {
            if (live.containsKey(job.id())) {
                continue;
            }
            Instant now = clock.instant();
            Path dir = jobDir(job.id());
            if (Files.isRegularFile(dir.resolve(SPINE_FILE))) {
                JobExecution.deleteOutputs(dir);
                String note = "re-queued at " + now + " after an appliance restart (it was " + job.status()
                        + (job.attempts() > 0 ? ", attempt " + job.attempts() : "") + ")";
                if (jobs.requeue(job.id(), note, now)) {
                    enqueue(jobs.find(job.id()).orElseThrow(), boundSnapshot(job));
                    requeued.add(job.id());
                }
            } else if (jobs.markFailed(
                    job.id(),
                    "the appliance restarted and the job's spine file is gone; submit the query again",
                    now)) {
                deleteTree(dir);
                failed.add(job.id());
            }
        }
        if (!requeued.isEmpty() || !failed.isEmpty()) {
            LOG.infof(
                    "offline query jobs after restart: %d re-queued %s, %d failed %s",
                    requeued.size(), requeued, failed.size(), failed);
        }
        return new Recovery(requeued, failed);
    }

    /**
     * Removes this runner's jobs that finished longer than {@link OfflineQueryConfig#resultRetention()} ago: their
     * files first, then their records (a job asked for afterwards is 404, as if it never existed; the audit log keeps
     * who submitted it). Answers the ids removed. Call it periodically.
     */
    public List<String> expireFinished() {
        Instant cutoff = clock.instant().minus(config.resultRetention());
        List<String> removed = new ArrayList<>();
        for (String id : jobs.finishedBefore(config.runnerId(), cutoff)) {
            if (live.containsKey(id)) {
                continue;
            }
            deleteTree(jobDir(id));
            if (jobs.deleteFinished(id)) {
                removed.add(id);
            }
        }
        if (!removed.isEmpty()) {
            LOG.infof(
                    "offline query jobs: removed %d finished more than %s ago",
                    removed.size(), config.resultRetention());
        }
        return removed;
    }

    /** The active snapshot of the job's environment when it is the deployment the job was bound against; else null. */
    private ServingSnapshot boundSnapshot(OfflineJob job) {
        return state.snapshot(job.environment())
                .filter(s -> s.deployment().deploymentId().equals(job.plan().deploymentId()))
                .orElse(null);
    }

    /** Jobs running or waiting in this appliance (for metrics). */
    public int liveJobs() {
        return live.size();
    }

    Path jobDir(String id) {
        return config.jobsDir().resolve(id);
    }

    /** Stops the workers (running jobs are cancelled and, being unfinished, recovered at the next start). */
    @Override
    public void close() {
        // mark the running jobs as shutting down before their threads are interrupted: an interrupted job that is not
        // marked yet would record itself CANCELLED, and the next start would not take it over
        live.values().forEach(JobExecution::interruptForShutdown);
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        parquet.close();
    }

    static void deleteTree(Path root) {
        if (!Directories.deleteTree(root)) {
            LOG.warnf("cannot delete all of %s", root);
        }
    }
}
