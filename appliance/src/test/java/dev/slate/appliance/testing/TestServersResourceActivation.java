package dev.slate.appliance.testing;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers {@link TestServersResource} for every {@code @QuarkusTest} (a global test resource). */
@QuarkusTestResource(TestServersResource.class)
public class TestServersResourceActivation {}
