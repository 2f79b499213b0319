package dev.slate.appliance.offline.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.offline.FeatureErrors;
import dev.slate.serving.offline.OfflineJob;
import dev.slate.serving.offline.OfflineQueryPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Answer of {@code GET /v1/query/offline/{job_id}} (and of the submission and cancellation). {@code recomputed}
 * lists the outputs that are recomputed rather than read from the feature log; {@code feature_errors} (null when
 * none) counts the recomputed values that failed and are null in the dataset, with the first cases per feature.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record OfflineJobBody(
        @JsonProperty("job_id") String jobId,
        @JsonProperty("status") String status,
        @JsonProperty("environment") String environment,
        @JsonProperty("dataset_name") String datasetName,
        @JsonProperty("deployment_id") String deploymentId,
        @JsonProperty("outputs") List<String> outputs,
        @JsonProperty("recomputed") List<String> recomputed,
        @JsonProperty("progress") ProgressBody progress,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("finished_at") String finishedAt,
        @JsonProperty("result") ResultBody result,
        @JsonProperty("error") String error,
        @JsonProperty("feature_errors") FeatureErrors featureErrors,
        @JsonProperty("notes") List<String> notes,
        @JsonProperty("attempts") int attempts) {

    /** @param stage queued, reading_spine, planning, joining, combining, done */
    public record ProgressBody(
            @JsonProperty("stage") String stage,
            @JsonProperty("fraction") double fraction,
            @JsonProperty("rows_total") long rowsTotal) {}

    public record ColumnBody(
            @JsonProperty("name") String name,
            @JsonProperty("type") String type) {}

    /** Where the dataset is, once the job SUCCEEDED. */
    public record ResultBody(
            @JsonProperty("rows") long rows,
            @JsonProperty("bytes") long bytes,
            @JsonProperty("columns") List<ColumnBody> columns,
            @JsonProperty("parquet") String parquet,
            @JsonProperty("json") String json) {}

    static OfflineJobBody of(OfflineJob job) {
        ResultBody result = null;
        if (job.resultRows().isPresent()) {
            List<ColumnBody> columns = new ArrayList<>();
            for (OfflineQueryPlan.KeyColumn k : job.plan().keys()) {
                columns.add(new ColumnBody(k.name(), k.type()));
            }
            columns.add(new ColumnBody("input_time", "datetime"));
            for (OfflineQueryPlan.Output o : job.plan().outputs()) {
                columns.add(new ColumnBody(o.name(), o.type()));
            }
            String base = OfflineQueryResource.PATH + "/" + job.id() + "/result";
            result = new ResultBody(
                    job.resultRows().get(),
                    job.resultBytes().orElse(0L),
                    columns,
                    base + "?format=parquet",
                    base + "?format=json");
        }
        return new OfflineJobBody(
                job.id(),
                job.status().name(),
                job.environment(),
                job.datasetName().orElse(null),
                job.plan().deploymentId(),
                job.plan().outputs().stream().map(OfflineQueryPlan.Output::name).toList(),
                job.plan().recomputedOutputs().stream()
                        .map(OfflineQueryPlan.Output::name)
                        .toList(),
                new ProgressBody(
                        job.progress().stage(),
                        Math.round(job.progress().fraction() * 1000) / 1000.0,
                        job.progress().spineRows()),
                job.createdAt().toString(),
                job.startedAt().map(Object::toString).orElse(null),
                job.finishedAt().map(Object::toString).orElse(null),
                result,
                job.error().orElse(null),
                job.featureErrors().orElse(null),
                job.notes(),
                job.attempts());
    }
}
