package dev.slate.control.deploy;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.util.Map;

/**
 * Project files are text that PostgreSQL can store as it is: no NUL characters and no unpaired
 * UTF-16 surrogates (which cannot be encoded as UTF-8 without changing the text).
 */
final class ProjectText {
    private ProjectText() {}

    /**
     * @throws SlateException PARSE_FAILED naming the first file that is not storable text
     */
    static void check(Map<String, String> files) {
        for (Map.Entry<String, String> file : files.entrySet()) {
            check(file.getKey(), "file name");
            check(file.getValue(), "file '" + shown(file.getKey()) + "'");
        }
    }

    private static void check(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                throw new SlateException(
                        ErrorCode.PARSE_FAILED, what + " contains a NUL character; project files are text");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new SlateException(
                        ErrorCode.PARSE_FAILED,
                        what + " contains an unpaired UTF-16 surrogate; project files are Unicode text");
            }
        }
    }

    private static String shown(String name) {
        String printable = name.replaceAll("[\\p{Cntrl}\\p{Cs}]", "?");
        return printable.length() <= 200 ? printable : printable.substring(0, 200) + "...";
    }
}
