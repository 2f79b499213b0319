package dev.slate.control.k8s;

import dev.slate.control.env.Environment;
import dev.slate.control.env.EnvironmentSpec;
import dev.slate.control.env.EnvironmentStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Environments and settings for the reconciler tests. */
final class TestEnvironments {
    static final ClusterSettings SETTINGS = new ClusterSettings(
            "registry.local:5000/slate/appliance:0.1.0",
            Optional.of("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
            "slate-",
            "slate-system",
            8080,
            70);
    static final Instant CREATED = Instant.parse("2026-12-01T00:00:00Z");
    static final UUID ACTIVE = UUID.fromString("6f1c2a4e-0d5b-4c39-9a57-2b8f1e0c7d11");

    private TestEnvironments() {}

    static Environment fixed(String name, int replicas, long generation) {
        return new Environment(
                name,
                new EnvironmentSpec("", replicas, Optional.empty()),
                generation,
                Optional.of(ACTIVE),
                1,
                CREATED,
                Optional.of("alice"),
                CREATED,
                EnvironmentStatus.NONE);
    }

    static Environment autoscaled(String name, int min, int max, long generation) {
        return new Environment(
                name,
                new EnvironmentSpec("", min, Optional.of(max)),
                generation,
                Optional.empty(),
                0,
                CREATED,
                Optional.empty(),
                CREATED,
                EnvironmentStatus.NONE);
    }
}
