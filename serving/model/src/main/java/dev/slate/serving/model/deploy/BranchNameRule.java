package dev.slate.serving.model.deploy;

import java.util.regex.Pattern;

/**
 * The one definition of what a branch name is (docs/environments.md, "Branches"): the same form as an environment
 * name ({@link EnvironmentNameRule}), {@code [a-z][a-z0-9-]{0,62}}. The metadata plane, the serving API and the
 * command line read it from here; the database's check constraint repeats it.
 */
public final class BranchNameRule {

    /** The pattern as text, for messages, documents and the migration. */
    public static final String REGEX = EnvironmentNameRule.REGEX;

    public static final Pattern PATTERN = Pattern.compile(REGEX);

    /** How to explain the rule to a user. */
    public static final String DESCRIPTION = EnvironmentNameRule.DESCRIPTION;

    private BranchNameRule() {}

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}
