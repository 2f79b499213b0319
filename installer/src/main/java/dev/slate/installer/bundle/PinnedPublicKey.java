package dev.slate.installer.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;

/**
 * The public key a bundle's signature must verify with (docs/install.md, "Trust"): {@code --public-key}, else
 * {@code $SLATE_BUNDLE_PUBLIC_KEY}, else the key built into this CLI ({@value #RESOURCE}, present when the CLI was
 * built by {@code airgap-bundle/build.sh}). Each names a PEM file or holds the PEM (or its base64 body) itself.
 */
public final class PinnedPublicKey {
    public static final String RESOURCE = "dev/slate/installer/bundle/pinned-public-key.pem";
    public static final String ENVIRONMENT = "SLATE_BUNDLE_PUBLIC_KEY";

    private PinnedPublicKey() {}

    /** Where the key came from and the key. */
    public record Chosen(String source, PublicKey key) {}

    /**
     * @throws IllegalArgumentException when no key is pinned anywhere, or the one chosen is not an Ed25519 public key
     */
    public static Chosen choose(Optional<String> option, Optional<String> environment) {
        if (option.isPresent()) {
            return new Chosen("--public-key", parse("--public-key", option.get()));
        }
        if (environment.isPresent()) {
            return new Chosen("$" + ENVIRONMENT, parse("$" + ENVIRONMENT, environment.get()));
        }
        return builtIn()
                .map(pem -> new Chosen("the key built into this CLI", parse("the built-in key", pem)))
                .orElseThrow(() ->
                        new IllegalArgumentException("no bundle public key is pinned: pass --public-key FILE or set $"
                                + ENVIRONMENT + " to the key the bundle build printed (docs/install.md)"));
    }

    static Optional<String> builtIn() {
        try (InputStream in = PinnedPublicKey.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            return in == null
                    ? Optional.empty()
                    : Optional.of(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static boolean isFile(String text) {
        try {
            return Files.isRegularFile(Path.of(text));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static PublicKey parse(String source, String value) {
        String text = value.strip();
        boolean inline = text.startsWith("-----BEGIN") || (text.matches("[A-Za-z0-9+/=\\s]{40,}") && !isFile(text));
        if (!inline) {
            Path file = Path.of(text);
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        source + ": cannot read the public key file " + file + " (" + e.getMessage() + ")", e);
            }
        }
        try {
            return BundleKeys.publicKey(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }
}
