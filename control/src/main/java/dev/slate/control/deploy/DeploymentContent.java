package dev.slate.control.deploy;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deployment with its project files (file name to text, sorted by name). Files hold secrets only
 * as references ({@code ${secret:NAME}}); the compiler rejects plain-text credentials.
 */
public record DeploymentContent(Deployment deployment, Map<String, String> files) {
    public DeploymentContent {
        requireNonNull(deployment, "deployment is null");
        files = Collections.unmodifiableMap(new TreeMap<>(files));
    }
}
