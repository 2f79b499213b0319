package dev.slate.api;

import dev.slate.model.error.ErrorCode;
import dev.slate.model.error.SlateException;
import java.util.regex.Pattern;

/** Reads the environment a request is for (header {@code X-Slate-Environment}, default {@code default}). */
public final class Environments {

    public static final String HEADER = "X-Slate-Environment";
    public static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private Environments() {
    }

    public static String fromHeader(String header) {
        if (header == null || header.isEmpty()) {
            return DEFAULT;
        }
        if (!NAME.matcher(header).matches()) {
            throw new SlateException(ErrorCode.INVALID_QUERY, "header " + HEADER + " must be an environment name: lowercase letters, digits and '-', starting with a letter");
        }
        return header;
    }
}
