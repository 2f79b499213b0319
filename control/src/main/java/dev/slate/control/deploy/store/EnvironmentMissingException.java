package dev.slate.control.deploy.store;

/** A deployment named an environment that does not exist, and deployments may not create environments. */
public final class EnvironmentMissingException extends RuntimeException {
    public EnvironmentMissingException(String environment) {
        super("there is no environment '" + environment + "'");
    }
}
