package dev.slate.control.deploy;

import dev.slate.model.error.ErrorCode;
import dev.slate.model.error.SlateException;
import java.util.regex.Pattern;

/** The rule for environment names: {@code [a-z][a-z0-9-]{0,62}}. */
public final class EnvironmentName {
    /** The environment used when a request names none. */
    public static final String DEFAULT = "default";

    private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private EnvironmentName() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * Returns the name if it is valid.
     *
     * @throws SlateException INVALID_QUERY when it is not
     */
    public static String require(String name) {
        if (!isValid(name)) {
            throw new SlateException(ErrorCode.INVALID_QUERY,
                    "invalid environment name: it must match [a-z][a-z0-9-]{0,62} (lower-case letters, digits and '-', starting with a letter, at most 63 characters)");
        }
        return name;
    }
}
