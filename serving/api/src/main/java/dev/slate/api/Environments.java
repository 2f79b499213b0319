package dev.slate.api;

import dev.slate.model.deploy.EnvironmentNameRule;
import dev.slate.model.error.ErrorCode;
import dev.slate.model.error.SlateException;

/** Reads the environment a request is for (header {@code X-Slate-Environment}, default {@code default}). */
public final class Environments {

    public static final String HEADER = "X-Slate-Environment";
    public static final String DEFAULT = EnvironmentNameRule.DEFAULT;

    private Environments() {
    }

    public static String fromHeader(String header) {
        if (header == null || header.isEmpty()) {
            return DEFAULT;
        }
        if (!EnvironmentNameRule.isValid(header)) {
            throw new SlateException(ErrorCode.INVALID_QUERY, "header " + HEADER + " must be an environment name: lowercase letters, digits and '-', starting with a letter");
        }
        return header;
    }
}
