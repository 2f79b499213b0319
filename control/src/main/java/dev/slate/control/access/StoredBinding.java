package dev.slate.control.access;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A role binding as the metadata database keeps it: {@code subject} ({@code user:NAME} or
 * {@code client:NAME}) holds {@code role} in {@code environment}. The permission model
 * ({@code dev.slate.auth.access.RoleBinding}) validates and interprets it; this is only the row.
 */
public record StoredBinding(
        String subject, String environment, String role, Instant createdAt, Optional<String> createdBy) {
    public StoredBinding {
        requireNonNull(subject, "subject is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(role, "role is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
