package dev.slate.control.deploy;

import dev.slate.serving.model.deploy.EnvironmentNameRule;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;

/** The rule for environment names ({@link EnvironmentNameRule}: {@code [a-z][a-z0-9-]{0,62}}) as the metadata plane applies it. */
public final class EnvironmentName {
    /** The environment used when a request names none. */
    public static final String DEFAULT = EnvironmentNameRule.DEFAULT;

    private EnvironmentName() {}

    public static boolean isValid(String name) {
        return EnvironmentNameRule.isValid(name);
    }

    /**
     * Returns the name if it is valid.
     *
     * @throws SlateException INVALID_QUERY when it is not
     */
    public static String require(String name) {
        if (!isValid(name)) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "invalid environment name: it must match " + EnvironmentNameRule.REGEX + " ("
                            + EnvironmentNameRule.DESCRIPTION + ")");
        }
        return name;
    }
}
