package dev.slate.serving.source.duckdb;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.model.parse.ParquetPaths;
import dev.slate.serving.model.spec.SourceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Finds the files of a {@code kind: parquet} source under the Parquet root: a file, every {@code *.parquet}
 * file below a folder, or the files a glob matches. Every file found must lie inside the root once symbolic
 * links are resolved; a source whose path would leave the root, or that matches nothing, fails its resolvers
 * with a {@link ResolverFailure} that says why. Lists are kept for {@code refresh} and then looked up again,
 * so files added or removed are seen without a redeployment.
 */
final class ParquetSourceFiles {

    private record Cached(List<Path> files, long expiresAtNanos) {}

    private final Path root;
    private final Duration refresh;
    private final LongSupplier nanoTime;
    private final Map<SourceSpec.Parquet, Cached> cache = new ConcurrentHashMap<>();

    ParquetSourceFiles(Path root, Duration refresh, LongSupplier nanoTime) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.refresh = requireNonNull(refresh, "refresh is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    Path root() {
        return root;
    }

    /** The root with symbolic links resolved; fails when it does not exist. */
    Path realRoot() {
        try {
            return root.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ResolverFailure(
                    "the Parquet root " + root + " does not exist (setting slate.sources.parquet-root)");
        } catch (IOException e) {
            throw new ResolverFailure("the Parquet root " + root + " cannot be read: " + e.getMessage());
        }
    }

    /** The source's files (real paths, sorted); never empty. */
    List<Path> files(SourceSpec.Parquet source) {
        long now = nanoTime.getAsLong();
        Cached cached = cache.get(source);
        if (cached != null && now - cached.expiresAtNanos() < 0) {
            return cached.files();
        }
        List<Path> files = find(source);
        cache.put(source, new Cached(files, now + refresh.toNanos()));
        if (cache.size() > 1_000) {
            cache.keySet().removeIf(s -> s != source); // many distinct sources over time: start over
        }
        return files;
    }

    private List<Path> find(SourceSpec.Parquet source) {
        String path = source.path();
        String what = "source " + source.name() + " (path " + path + ")";
        ParquetPaths.check(path).ifPresent(bad -> {
            throw new ResolverFailure(what + ": the path " + bad);
        });
        Path realRoot = realRoot();
        List<Path> found = new ArrayList<>();
        try {
            if (ParquetPaths.isGlob(path)) {
                String[] segments = path.split("/");
                int fixed = 0;
                while (fixed < segments.length && !ParquetPaths.isGlob(segments[fixed])) {
                    fixed++;
                }
                Path base = root.resolve(String.join("/", Arrays.copyOfRange(segments, 0, fixed)))
                        .normalize();
                String pattern = String.join("/", Arrays.copyOfRange(segments, fixed, segments.length));
                PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
                if (Files.isDirectory(base)) {
                    checkInside(realRoot, base, what);
                    try (Stream<Path> walk = Files.walk(base)) {
                        walk.filter(p -> Files.isRegularFile(p) && matcher.matches(base.relativize(p)))
                                .forEach(found::add);
                    }
                }
            } else {
                Path target = root.resolve(path).normalize();
                if (Files.isDirectory(target)) {
                    checkInside(realRoot, target, what);
                    PathMatcher parquet = FileSystems.getDefault().getPathMatcher("glob:*.parquet");
                    try (Stream<Path> walk = Files.walk(target)) {
                        walk.filter(p -> Files.isRegularFile(p) && parquet.matches(p.getFileName()))
                                .forEach(found::add);
                    }
                } else if (Files.exists(target)) {
                    found.add(target);
                } else {
                    throw new ResolverFailure(what + ": no such file or folder under the Parquet root " + root);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ResolverFailure(what + ": cannot list its files: " + e.getMessage());
        }
        if (found.isEmpty()) {
            throw new ResolverFailure(what + ": no Parquet file matches under the Parquet root " + root);
        }
        List<Path> real = new ArrayList<>(found.size());
        for (Path p : found) {
            real.add(checkInside(realRoot, p, what));
        }
        real.sort(null);
        return List.copyOf(real);
    }

    /** {@code p} with links resolved, when it stays inside the root; fails otherwise. */
    private Path checkInside(Path realRoot, Path p, String what) {
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw new ResolverFailure(
                    what + ": cannot read " + root.relativize(p.toAbsolutePath().normalize()) + ": " + e.getMessage());
        }
        if (!real.startsWith(realRoot)) {
            throw new ResolverFailure(
                    what + ": " + root.relativize(p.toAbsolutePath().normalize())
                            + " leads outside the Parquet root (a symbolic link); Parquet sources read only files inside "
                            + root);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(real)) {
            throw new ResolverFailure(
                    what + ": " + root.relativize(p.toAbsolutePath().normalize()) + " is not a file");
        }
        return real;
    }

    /** Forgets the cached file lists (e.g. after a file was found missing). */
    void forget(SourceSpec.Parquet source) {
        cache.remove(source);
    }
}
