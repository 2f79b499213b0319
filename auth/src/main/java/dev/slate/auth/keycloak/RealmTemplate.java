package dev.slate.auth.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code slate} realm as Keycloak imports it: {@code slate-realm.json} (roles, clients, the service
 * account), plus, for demos and tests only, {@code slate-realm-demo.json} (demo users and a second
 * confidential client) merged in. Secrets are {@code ${NAME}} placeholders that Keycloak resolves from
 * its environment at import (see {@link KeycloakCredentials#environment()}).
 */
public final class RealmTemplate {

    public static final String REALM = "slate";
    public static final String AUDIENCE = "slate-api";
    static final String BASE = "/slate/keycloak/slate-realm.json";
    static final String DEMO = "/slate/keycloak/slate-realm-demo.json";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode realm;

    private RealmTemplate(ObjectNode realm) {
        this.realm = realm;
    }

    /** The production realm (no people), or with {@code demoUsers} the demo and test realm. */
    public static RealmTemplate load(boolean demoUsers) {
        ObjectNode realm = read(BASE);
        if (demoUsers) {
            ObjectNode demo = read(DEMO);
            for (String section : new String[] {"clients", "users"}) {
                ArrayNode target = realm.withArray(section);
                demo.path(section).forEach(node -> target.add(node.deepCopy()));
            }
        }
        return new RealmTemplate(realm);
    }

    public ObjectNode json() {
        return realm.deepCopy();
    }

    /** Names of every {@code ${NAME}} placeholder in the realm. */
    public Set<String> placeholders() {
        Set<String> names = new TreeSet<>();
        collect(realm, names);
        return names;
    }

    public void writeTo(Path file) {
        try {
            Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), realm);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void collect(JsonNode node, Set<String> names) {
        if (node.isTextual()) {
            Matcher m = PLACEHOLDER.matcher(node.textValue());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        node.forEach(child -> collect(child, names));
    }

    private static ObjectNode read(String resource) {
        try (InputStream in = RealmTemplate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
