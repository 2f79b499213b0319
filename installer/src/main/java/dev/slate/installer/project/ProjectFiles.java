package dev.slate.installer.project;

import dev.slate.installer.CliException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of a feature project on disk: every {@code *.yaml}, {@code *.yml} and {@code *.sql} under
 * a directory, recursively, keyed by their path relative to it (with {@code /}). Hidden files and
 * directories are skipped; a symbolic link whose target lies outside the directory is refused.
 */
public final class ProjectFiles {
    private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".sql");

    private ProjectFiles() {}

    /**
     * @throws CliException when the directory is missing, holds no project file, a file is not UTF-8
     *     or a symbolic link leaves the directory
     */
    public static SortedMap<String, String> read(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new CliException(directory + " is not a directory");
        }
        Path root;
        try {
            root = directory.toRealPath();
        } catch (IOException e) {
            throw new CliException("cannot read " + directory + ": " + e.getMessage());
        }
        SortedMap<String, String> files = new TreeMap<>();
        for (Path path : candidates(root)) {
            String relative = relativeName(root, path);
            Path target = realPath(path);
            if (!target.startsWith(root)) {
                throw new CliException(
                        "refusing " + relative + ": it is a symbolic link to " + target + ", outside " + directory);
            }
            if (Files.isDirectory(target)) {
                continue; // a link to a directory inside the project: its files are read where they are
            }
            files.put(relative, readUtf8(path, relative));
        }
        if (files.isEmpty()) {
            throw new CliException("no project files (*.yaml, *.yml, *.sql) under " + directory);
        }
        return files;
    }

    private static List<Path> candidates(Path root) {
        List<Path> result = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root))
                    .filter(p -> !isHidden(root.relativize(p)))
                    .filter(p -> Files.isSymbolicLink(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> Files.isSymbolicLink(p) ? isProjectFileOrDirectoryLink(p) : isProjectFile(p))
                    .sorted()
                    .forEach(result::add);
        } catch (IOException | UncheckedIOException e) {
            throw new CliException("cannot list " + root + ": " + e.getMessage());
        }
        return result;
    }

    private static boolean isProjectFileOrDirectoryLink(Path link) {
        return isProjectFile(link) || Files.isDirectory(link);
    }

    private static boolean isProjectFile(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String relativeName(Path root, Path path) {
        List<String> parts = new ArrayList<>();
        root.relativize(path).forEach(p -> parts.add(p.toString()));
        return String.join("/", parts);
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new CliException("cannot resolve " + path + " (dangling link?): " + e.getMessage());
        }
    }

    private static String readUtf8(Path path, String relative) {
        try {
            byte[] bytes = Files.readAllBytes(path);
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CliException(relative + " is not UTF-8 text");
        } catch (IOException e) {
            throw new CliException("cannot read " + relative + ": " + e.getMessage());
        }
    }
}
