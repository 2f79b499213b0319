package dev.slate.serving.api.wiring;

import dev.slate.serving.engine.source.SecretResolver;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.spec.SecretReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Resolves {@code ${secret:NAME}} from, in order: a file {@code NAME} in the secrets directory (how
 * Kubernetes mounts Secrets), then the encrypted store of the metadata plane ({@link StoredSecrets},
 * {@code PUT /v1/secrets/NAME}), looked up in the environment the resolver's graph serves and in no other
 * (docs/environments.md, "Secrets"), then the configuration key {@code slate.secret.NAME} (which includes
 * the environment variable {@code SLATE_SECRET_NAME}); and {@code ${env:NAME}} from the process
 * environment. Values are never logged; errors name only the missing reference.
 */
final class ConfigSecretResolver implements SecretResolver {

    private final Optional<Path> secretsDir;
    private final Function<String, Optional<String>> config;
    private final Function<String, String> env;
    private final BiFunction<String, String, Optional<String>> stored;
    private final Function<FeatureGraph, Optional<String>> environments;

    ConfigSecretResolver(
            Optional<Path> secretsDir, Function<String, Optional<String>> config, Function<String, String> env) {
        this(secretsDir, (environment, name) -> Optional.empty(), graph -> Optional.empty(), config, env);
    }

    /**
     * @param stored the stored secret of (environment, name)
     * @param environments the environment a graph serves
     */
    ConfigSecretResolver(
            Optional<Path> secretsDir,
            BiFunction<String, String, Optional<String>> stored,
            Function<FeatureGraph, Optional<String>> environments,
            Function<String, Optional<String>> config,
            Function<String, String> env) {
        this.secretsDir = secretsDir;
        this.stored = stored;
        this.environments = environments;
        this.config = config;
        this.env = env;
    }

    @Override
    public Optional<String> environmentOf(FeatureGraph graph) {
        return environments.apply(graph);
    }

    @Override
    public String resolve(String text) {
        return resolve(Optional.empty(), text);
    }

    @Override
    public String resolve(Optional<String> environment, String text) {
        return switch (SecretReference.parse(text)) {
            case SecretReference.Plain p -> p.value();
            case SecretReference.Env e -> {
                String v = env.apply(e.name());
                if (v == null) {
                    throw new IllegalArgumentException(
                            "environment variable " + e.name() + " is not set (referenced as " + e.text() + ")");
                }
                yield v;
            }
            case SecretReference.Secret s ->
                fromDir(s.name())
                        .or(() -> environment.flatMap(e -> stored.apply(e, s.name())))
                        .or(() -> config.apply("slate.secret." + s.name()))
                        .orElseThrow(() -> new IllegalArgumentException("secret '" + s.name()
                                + "' is not configured (referenced as " + s.text()
                                + "); provide it as file " + s.name()
                                + " in slate.serving.secrets-dir, with PUT /v1/secrets/" + s.name()
                                + environment
                                        .map(e -> " in environment " + e + " (header X-Slate-Environment: " + e + ")")
                                        .orElse("")
                                + " or as config slate.secret." + s.name()));
        };
    }

    private Optional<String> fromDir(String name) {
        if (secretsDir.isEmpty()) {
            return Optional.empty();
        }
        Path f = secretsDir.get().resolve(name).normalize();
        if (!f.startsWith(secretsDir.get()) || !Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(f, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
