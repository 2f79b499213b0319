package dev.slate.serving.model.deploy;

import java.util.regex.Pattern;

/**
 * The one definition of what an environment name is: {@code [a-z][a-z0-9-]{0,62}} (lower-case letters,
 * digits and '-', starting with a letter, at most 63 characters, so it is also a valid Kubernetes
 * namespace label). The metadata plane ({@code dev.slate.control.deploy.EnvironmentName}) and the
 * serving API ({@code dev.slate.serving.api.Environments}) read it from here; the permission model
 * ({@code dev.slate.auth.access.RoleBinding}, which links none of our modules) keeps a copy that a test
 * compares with this one, and the database's check constraints repeat it.
 */
public final class EnvironmentNameRule {
    /** The environment used when a request names none. */
    public static final String DEFAULT = "default";

    /** The pattern as text, for messages, documents and copies that cannot link this class. */
    public static final String REGEX = "[a-z][a-z0-9-]{0,62}";

    public static final Pattern PATTERN = Pattern.compile(REGEX);

    /** How to explain the rule to a user. */
    public static final String DESCRIPTION =
            "lower-case letters, digits and '-', starting with a letter, at most 63 characters";

    private EnvironmentNameRule() {}

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}
