package dev.slate.installer.registry;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A user name and password for a registry ({@code --registry-username}, {@code --registry-password-file}). The
 * password is read from a file so that it never appears on a command line, and {@link #toString} never shows it.
 */
public final class RegistryCredentials {
    private final String username;
    private final String password;

    public RegistryCredentials(String username, String password) {
        this.username = requireNonNull(username, "username is null");
        this.password = requireNonNull(password, "password is null");
        if (username.isEmpty() || username.contains(":")) {
            throw new IllegalArgumentException("a registry user name is not empty and has no ':'");
        }
    }

    /** The password is the file's first line (a trailing newline is not part of it). */
    public static RegistryCredentials fromFile(String username, Path passwordFile) throws IOException {
        String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String password = (newline < 0 ? text : text.substring(0, newline)).replace("\r", "");
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the password file " + passwordFile + " is empty");
        }
        return new RegistryCredentials(username, password);
    }

    public String username() {
        return username;
    }

    /** The value of an {@code Authorization: Basic …} header. */
    String basicAuthorization() {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "RegistryCredentials[" + username + ", password hidden]";
    }
}
