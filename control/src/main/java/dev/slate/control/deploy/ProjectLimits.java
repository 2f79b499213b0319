package dev.slate.control.deploy;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.util.Map;

/**
 * How big a deployed project may be: at most {@value #MAX_FILES} files, {@value #MAX_FILE_BYTES}
 * bytes per file and {@value #MAX_TOTAL_BYTES} bytes in all (UTF-8). The same limits apply to JSON
 * bodies and to archives.
 */
public final class ProjectLimits {
    public static final int MAX_FILES = 500;
    public static final int MAX_FILE_BYTES = 1024 * 1024;
    public static final int MAX_TOTAL_BYTES = 5 * 1024 * 1024;

    private ProjectLimits() {}

    /**
     * Checks a project's files against the limits.
     *
     * @throws SlateException PAYLOAD_TOO_LARGE when one is exceeded
     */
    public static void check(Map<String, String> files) {
        if (files.size() > MAX_FILES) {
            throw tooManyFiles();
        }
        long total = 0;
        for (Map.Entry<String, String> file : files.entrySet()) {
            long bytes = utf8Length(file.getValue());
            if (bytes > MAX_FILE_BYTES) {
                throw fileTooLarge(file.getKey());
            }
            total += bytes;
            if (total > MAX_TOTAL_BYTES) {
                throw projectTooLarge();
            }
        }
    }

    public static SlateException tooManyFiles() {
        return new SlateException(ErrorCode.PAYLOAD_TOO_LARGE, "a project may have at most " + MAX_FILES + " files");
    }

    public static SlateException fileTooLarge(String name) {
        return new SlateException(
                ErrorCode.PAYLOAD_TOO_LARGE,
                "file '" + name + "' is larger than " + MAX_FILE_BYTES + " bytes (1 MiB), the limit per file");
    }

    public static SlateException projectTooLarge() {
        return new SlateException(
                ErrorCode.PAYLOAD_TOO_LARGE,
                "the project is larger than " + MAX_TOTAL_BYTES + " bytes (5 MiB), the limit for all files together");
    }

    /** The UTF-8 size of the text (as {@code getBytes(UTF_8)} would produce it), without encoding it. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1; // a lone surrogate: the encoder writes '?'
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
