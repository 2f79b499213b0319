package dev.slate.serving.api;

import dev.slate.serving.model.deploy.BranchNameRule;
import dev.slate.serving.model.deploy.EnvironmentNameRule;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.util.Optional;

/**
 * Reads the environment a request is for (header {@code X-Slate-Environment}, default {@code default}) and, for
 * online queries, the branch of it (header {@code X-Slate-Branch}, default none: the environment's main deployment;
 * docs/environments.md, "Branches").
 */
public final class Environments {

    public static final String HEADER = "X-Slate-Environment";
    public static final String DEFAULT = EnvironmentNameRule.DEFAULT;
    public static final String BRANCH_HEADER = "X-Slate-Branch";

    private Environments() {}

    public static String fromHeader(String header) {
        if (header == null || header.isEmpty()) {
            return DEFAULT;
        }
        if (!EnvironmentNameRule.isValid(header)) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "header " + HEADER
                            + " must be an environment name: lowercase letters, digits and '-', starting with a letter");
        }
        return header;
    }

    /** The branch a request names; empty when the header is absent or blank (the main deployment). */
    public static Optional<String> branchFromHeader(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        if (!BranchNameRule.isValid(header)) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "header " + BRANCH_HEADER + " must be a branch name: " + BranchNameRule.DESCRIPTION);
        }
        return Optional.of(header);
    }
}
