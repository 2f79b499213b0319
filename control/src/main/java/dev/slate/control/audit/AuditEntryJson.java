package dev.slate.control.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Wire form of one audit entry ({@code GET /v1/audit}). */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({
    "id",
    "at",
    "subject",
    "action",
    "method",
    "path",
    "environment",
    "outcome",
    "status",
    "remote_address",
    "request_id",
    "query_id",
    "target",
    "detail"
})
public record AuditEntryJson(
        @JsonProperty("id") long id,
        @JsonProperty("at") String at,
        @JsonProperty("subject") String subject,
        @JsonProperty("action") String action,
        @JsonProperty("method") String method,
        @JsonProperty("path") String path,
        @JsonProperty("environment") String environment,
        @JsonProperty("outcome") String outcome,
        @JsonProperty("status") int status,
        @JsonProperty("remote_address") String remoteAddress,
        @JsonProperty("request_id") String requestId,
        @JsonProperty("query_id") String queryId,
        @JsonProperty("target") String target,
        @JsonProperty("detail") String detail) {

    static AuditEntryJson of(AuditEntry e) {
        return new AuditEntryJson(
                e.id(),
                e.at().toString(),
                e.subject(),
                e.action(),
                e.method(),
                e.path(),
                e.environment().orElse(null),
                e.outcome().name(),
                e.status(),
                e.remoteAddress().orElse(null),
                e.requestId().orElse(null),
                e.queryId().orElse(null),
                e.target().orElse(null),
                e.detail().orElse(null));
    }
}
