package dev.slate.control.deploy.store;

import dev.slate.control.deploy.DeploymentStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Row of {@code deployments}. Persistence only: never leaves this package. */
@Entity
@Table(name = "deployments")
public class DeploymentEntity {
    @Id
    @Column(name = "id")
    UUID id;

    @Column(name = "environment", nullable = false, updatable = false)
    String environment;

    @Column(name = "project", nullable = false, updatable = false)
    String project;

    @Column(name = "version", nullable = false, updatable = false)
    int version;

    @Column(name = "content_hash", nullable = false, updatable = false)
    String contentHash;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "files", nullable = false, updatable = false, columnDefinition = "jsonb")
    Map<String, String> files;

    @Enumerated(EnumType.STRING)
    @Column(name = "status", nullable = false)
    DeploymentStatus status;

    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;

    @Column(name = "activated_at")
    Instant activatedAt;

    @Column(name = "created_by", updatable = false)
    String createdBy;

    protected DeploymentEntity() {}
}
