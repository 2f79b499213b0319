package dev.slate.control.deploy;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each environment's {@link EnvironmentNamespaces} as this replica knows them, for the storage adapters that turn the
 * environment a data-plane call names into where its values live (docs/environments.md, "Namespaces"). Filled when
 * an environment is created through this replica and at every poll of the {@code environments} table, before any
 * deployment of it is published, so a replica knows an environment's namespaces before it serves it. An environment
 * it has never seen has the defaults (its name). An entry outlives a delete until the deleting replica dropped the
 * environment's data ({@link #forget}); namespaces never change while an environment exists.
 */
@ApplicationScoped
public class NamespaceDirectory {

    private final Map<String, EnvironmentNamespaces> known = new ConcurrentHashMap<>();

    /** Where the values of {@code environment} live. Never blocks. */
    public EnvironmentNamespaces of(String environment) {
        EnvironmentNamespaces ns = known.get(environment);
        return ns != null ? ns : EnvironmentNamespaces.of(environment);
    }

    public void record(String environment, EnvironmentNamespaces namespaces) {
        known.put(environment, namespaces);
    }

    public void forget(String environment) {
        known.remove(environment);
    }
}
