package dev.slate.control.deploy.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** Row of {@code environments}. Persistence only: never leaves this package. */
@Entity
@Table(name = "environments")
public class EnvironmentEntity {
    @Id
    @Column(name = "name")
    String name;

    @Column(name = "active_deployment_id")
    UUID activeDeploymentId;

    @Column(name = "revision", nullable = false)
    long revision;

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;

    @Column(name = "online_namespace")
    String onlineNamespace;

    @Column(name = "online_database")
    Integer onlineDatabase;

    @Column(name = "offline_namespace")
    String offlineNamespace;

    @Column(name = "offline_table_namespace")
    String offlineTableNamespace;

    protected EnvironmentEntity() {}
}
