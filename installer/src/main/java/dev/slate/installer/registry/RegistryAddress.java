package dev.slate.installer.registry;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Where images go: {@code HOST[:PORT][/PREFIX]} as given to {@code --registry}. The prefix is put in front of every
 * repository ({@code PREFIX/slate/appliance}); {@code plainHttp} only for test registries without TLS
 * ({@code --insecure-registry}).
 */
public record RegistryAddress(String host, String prefix, boolean plainHttp) {
    private static final Pattern HOST =
            Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](:[0-9]{1,5})?");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*");

    public RegistryAddress {
        requireNonNull(host, "host is null");
        requireNonNull(prefix, "prefix is null");
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("not a registry host[:port]: '" + host + "'");
        }
        if (!prefix.isEmpty() && !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "not a repository prefix: '" + prefix + "' (lower-case path segments separated by /)");
        }
    }

    /** Parses {@code HOST[:PORT][/PREFIX]}; a scheme is refused (TLS is the default, plain HTTP is a flag). */
    public static RegistryAddress parse(String text, boolean plainHttp) {
        requireNonNull(text, "text is null");
        if (text.contains("://")) {
            throw new IllegalArgumentException(
                    "give the registry as HOST[:PORT][/PREFIX], without a scheme: '" + text + "'");
        }
        String trimmed = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        int slash = trimmed.indexOf('/');
        return slash < 0
                ? new RegistryAddress(trimmed, "", plainHttp)
                : new RegistryAddress(trimmed.substring(0, slash), trimmed.substring(slash + 1), plainHttp);
    }

    /** The registry's base URL ({@code https://HOST[:PORT]}, or {@code http://} with plain HTTP). */
    public URI baseUri() {
        return URI.create((plainHttp ? "http://" : "https://") + host);
    }

    /** The repository name in this registry for a repository of the chart (e.g. {@code slate/appliance}). */
    public String repository(String name) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** What the chart's {@code image.registry} is set to: host and prefix. */
    public String chartRegistry() {
        return prefix.isEmpty() ? host : host + "/" + prefix;
    }

    @Override
    public String toString() {
        return chartRegistry() + (plainHttp ? " (plain HTTP)" : "");
    }
}
