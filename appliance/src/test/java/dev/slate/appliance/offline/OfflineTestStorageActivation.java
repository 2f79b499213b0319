package dev.slate.appliance.offline;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers {@link OfflineTestStorage} for every {@code @QuarkusTest} (a global test resource). */
@QuarkusTestResource(OfflineTestStorage.class)
public class OfflineTestStorageActivation {}
