package dev.slate.control.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.slate.control.deploy.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A deployment on the wire. {@code files} (name to text) is present only when one deployment is
 * read by id; {@code unchanged} only in the answer to a deploy.
 */
@JsonPropertyOrder({
    "id",
    "environment",
    "project",
    "version",
    "content_hash",
    "status",
    "created_at",
    "activated_at",
    "created_by",
    "file_names",
    "files",
    "unchanged"
})
public record DeploymentJson(
        String id,
        String environment,
        String project,
        int version,
        @JsonProperty("content_hash") String contentHash,
        String status,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("activated_at") String activatedAt,
        @JsonProperty("created_by") String createdBy,
        @JsonProperty("file_names") List<String> fileNames,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> files,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean unchanged) {

    static DeploymentJson of(Deployment d) {
        return of(d, null, null);
    }

    static DeploymentJson of(Deployment d, Map<String, String> files, Boolean unchanged) {
        return new DeploymentJson(
                d.id().toString(),
                d.environment(),
                d.project(),
                d.version(),
                d.contentHash(),
                d.status().name(),
                d.createdAt().toString(),
                d.activatedAt().map(Instant::toString).orElse(null),
                d.createdBy().orElse(null),
                d.fileNames(),
                files,
                unchanged);
    }
}
