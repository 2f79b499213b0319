package dev.slate.control.archive;

import dev.slate.control.deploy.ProjectLimits;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Receives the entries of an archive as a reader finds them, checks names and limits as it goes
 * (before reading more), and keeps the project files.
 */
final class ArchiveCollector {
    /** Entries of any kind (files, folders, metadata) an archive may hold. */
    static final int MAX_ENTRIES = 4 * ProjectLimits.MAX_FILES;

    private final Map<String, byte[]> kept = new LinkedHashMap<>();
    private final Set<String> seen = new HashSet<>();
    private int entries;
    private long totalBytes;

    /** A folder: only its name is checked. */
    void directory(String rawName) {
        countEntry();
        normalize(rawName);
    }

    /** A symbolic or hard link: never allowed. */
    void link(String rawName) {
        throw parseFailed("'" + shown(rawName) + "' is a link; a project archive may hold only files and folders");
    }

    /** Anything else that is not a file or folder (device, fifo, ...): never allowed. */
    void unsupported(String rawName, String kind) {
        throw parseFailed(
                "'" + shown(rawName) + "' is a " + kind + "; a project archive may hold only files and folders");
    }

    /** Metadata that is not a file (e.g. tar extended headers): counted, bounded by the caller. */
    void metadata() {
        countEntry();
    }

    /**
     * A regular file. Reads at most the per-file limit from {@code content}.
     *
     * @param declaredSize the size the archive states, or -1 when it states none
     */
    void file(String rawName, long declaredSize, InputStream content) throws IOException {
        countEntry();
        String name = normalize(rawName);
        if (name.isEmpty()) {
            throw parseFailed("an archive entry has an empty name");
        }
        if (!seen.add(name)) {
            throw parseFailed("'" + shown(name) + "' appears twice in the archive");
        }
        if (declaredSize > ProjectLimits.MAX_FILE_BYTES) {
            throw ProjectLimits.fileTooLarge(shown(name));
        }
        byte[] bytes = content.readNBytes(ProjectLimits.MAX_FILE_BYTES + 1);
        if (bytes.length > ProjectLimits.MAX_FILE_BYTES) {
            throw ProjectLimits.fileTooLarge(shown(name));
        }
        totalBytes += bytes.length;
        if (totalBytes > ProjectLimits.MAX_TOTAL_BYTES) {
            throw ProjectLimits.projectTooLarge();
        }
        if (isProjectFile(name)) {
            if (kept.size() >= ProjectLimits.MAX_FILES) {
                throw ProjectLimits.tooManyFiles();
            }
            kept.put(name, bytes);
        }
    }

    /** The project files, decoded, with a single enclosing top-level folder removed. */
    Map<String, String> files() {
        List<String> names = new ArrayList<>(kept.keySet());
        String prefix = commonTopFolder(names);
        Map<String, String> files = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : kept.entrySet()) {
            files.put(file.getKey().substring(prefix.length()), utf8(file.getKey(), file.getValue()));
        }
        return files;
    }

    /**
     * A relative path with {@code .} segments and empty segments removed.
     *
     * @throws SlateException PARSE_FAILED for absolute paths, {@code ..}, backslashes and control characters
     */
    static String normalize(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            if (Character.isISOControl(raw.charAt(i))) {
                throw parseFailed("an archive entry name contains a control character");
            }
        }
        if (raw.startsWith("/") || (raw.length() >= 2 && raw.charAt(1) == ':' && Character.isLetter(raw.charAt(0)))) {
            throw parseFailed(
                    "'" + shown(raw) + "' is an absolute path; a project archive may hold only relative paths");
        }
        if (raw.indexOf('\\') >= 0) {
            throw parseFailed("'" + shown(raw) + "' contains a backslash; use '/' between folders");
        }
        StringBuilder path = new StringBuilder();
        for (String segment : raw.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw parseFailed("'" + shown(raw) + "' points outside the archive ('..' is not allowed)");
            }
            if (!path.isEmpty()) {
                path.append('/');
            }
            path.append(segment);
        }
        return path.toString();
    }

    /**
     * {@code *.yaml}, {@code *.yml} and {@code *.sql} files (the extensions the project compiler
     * accepts) that are not hidden and not in a hidden folder.
     */
    static boolean isProjectFile(String name) {
        for (String segment : name.split("/")) {
            if (segment.startsWith(".") || segment.equals("__MACOSX")) {
                return false;
            }
        }
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".sql");
    }

    /** "dir/" when every file is inside the same top-level folder and there is no slate.yaml at the root. */
    private static String commonTopFolder(List<String> names) {
        if (names.isEmpty() || names.contains("slate.yaml")) {
            return "";
        }
        String first = names.getFirst();
        int slash = first.indexOf('/');
        if (slash <= 0) {
            return "";
        }
        String prefix = first.substring(0, slash + 1);
        return names.stream().allMatch(n -> n.startsWith(prefix)) ? prefix : "";
    }

    private static String utf8(String name, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw parseFailed("'" + shown(name) + "' is not UTF-8 text");
        }
    }

    private void countEntry() {
        if (++entries > MAX_ENTRIES) {
            throw new SlateException(
                    ErrorCode.PAYLOAD_TOO_LARGE, "the archive has more than " + MAX_ENTRIES + " entries");
        }
    }

    static SlateException parseFailed(String message) {
        return new SlateException(ErrorCode.PARSE_FAILED, message);
    }

    /** A name as shown in messages: at most 200 characters. */
    static String shown(String name) {
        StringBuilder shown = new StringBuilder();
        name.codePoints().limit(200).forEach(c -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return name.codePointCount(0, name.length()) > 200 ? shown + "..." : shown.toString();
    }
}
