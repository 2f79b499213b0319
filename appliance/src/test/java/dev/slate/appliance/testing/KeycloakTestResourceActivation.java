package dev.slate.appliance.testing;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers {@link KeycloakTestResource} for every {@code @QuarkusTest} (a global test resource). */
@QuarkusTestResource(KeycloakTestResource.class)
public class KeycloakTestResourceActivation {}
