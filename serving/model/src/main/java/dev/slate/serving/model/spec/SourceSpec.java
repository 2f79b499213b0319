package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.SourceLocation;
import java.util.Optional;

/** A data source as declared. Credentials are kept as written: secret references stay unresolved. */
public sealed interface SourceSpec {

    String name();

    SourceLocation location();

    /**
     * A PostgreSQL database. {@code url} is {@code postgresql://host:port/db} (a {@code jdbc:} prefix is
     * accepted); {@code username} and {@code password} may be {@code ${secret:NAME}} or {@code ${env:NAME}}.
     */
    record Postgres(
            String name,
            String url,
            Optional<String> username,
            Optional<String> password,
            int maxConnections,
            SourceLocation location)
            implements SourceSpec {
        public Postgres {
            requireNonNull(name, "name is null");
            requireNonNull(url, "url is null");
            requireNonNull(username, "username is null");
            requireNonNull(password, "password is null");
            requireNonNull(location, "location is null");
        }
    }

    /**
     * Parquet files on local disk: {@code path} is a file, a folder (every {@code *.parquet} file below it) or a
     * glob ({@code *}, {@code **}, {@code ?}, {@code [..]}, {@code {a,b}}), relative to the serving process's
     * Parquet root ({@code slate.sources.parquet-root}); it never leaves that root (checked by
     * {@link dev.slate.serving.model.parse.ParquetPaths#check} here and against the real file system where it is read).
     * SQL resolvers on it are DuckDB SQL over a view named after the source.
     */
    record Parquet(String name, String path, SourceLocation location) implements SourceSpec {
        public Parquet {
            requireNonNull(name, "name is null");
            requireNonNull(path, "path is null");
            requireNonNull(location, "location is null");
        }
    }
}
