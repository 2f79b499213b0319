package dev.slate.control.deploy;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an environment's values live (docs/environments.md, "Namespaces"): the namespace part of its Redis keys
 * ({@code {prefix}:{online}:{entity}:…}), optionally a Redis logical database of its own, the namespace partition
 * of the feature log, and optionally an Iceberg namespace of its own for its feature-log table. Chosen when the
 * environment is created and never changed; by default all are its name in the configured database and table.
 *
 * @param onlineDatabase the Redis logical database; empty: the one the online store is configured with
 * @param offlineTableNamespace the Iceberg namespace of its feature-log table; empty: the configured one
 */
public record EnvironmentNamespaces(
        String online, Optional<Integer> onlineDatabase, String offline, Optional<String> offlineTableNamespace) {

    /** The one rule for a chosen namespace (the database's check constraints repeat it): a superset of environment names. */
    public static final String REGEX = "[a-z][a-z0-9_-]{0,62}";

    public static final Pattern NAME = Pattern.compile(REGEX);
    /** The highest Redis logical database the table accepts; the online store's own bound applies first (docs/environments.md). */
    public static final int MAX_DATABASE = 1023;

    public EnvironmentNamespaces {
        requireNonNull(online, "online is null");
        requireNonNull(onlineDatabase, "onlineDatabase is null");
        requireNonNull(offline, "offline is null");
        requireNonNull(offlineTableNamespace, "offlineTableNamespace is null");
        if (!NAME.matcher(online).matches()
                || !NAME.matcher(offline).matches()
                || offlineTableNamespace.isPresent()
                        && !NAME.matcher(offlineTableNamespace.get()).matches()) {
            throw new IllegalArgumentException("a namespace must match " + REGEX);
        }
        if (onlineDatabase.isPresent() && (onlineDatabase.get() < 0 || onlineDatabase.get() > MAX_DATABASE)) {
            throw new IllegalArgumentException("a Redis database must be between 0 and " + MAX_DATABASE);
        }
    }

    /** Namespaces in the configured feature-log table. */
    public EnvironmentNamespaces(String online, Optional<Integer> onlineDatabase, String offline) {
        this(online, onlineDatabase, offline, Optional.empty());
    }

    /** The defaults: the environment's name, in the configured database and table. */
    public static EnvironmentNamespaces of(String environment) {
        return new EnvironmentNamespaces(environment, Optional.empty(), environment);
    }
}
