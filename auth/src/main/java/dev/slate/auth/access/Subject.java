package dev.slate.auth.access;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who an identity is, as role bindings name it: a person ({@code user:alice}) or a machine client
 * ({@code client:slate-service}). The two kinds never match each other, so a client id can never
 * borrow the bindings of a user with the same name.
 */
public sealed interface Subject permits Subject.User, Subject.Client {

    /** Usernames and client ids as Keycloak allows them, without whitespace or control characters. */
    Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,254}");

    String name();

    /** The stable text form: {@code user:NAME} or {@code client:NAME}. */
    String ref();

    record User(String name) implements Subject {
        public User {
            name = checkName(name);
        }

        @Override
        public String ref() {
            return "user:" + name;
        }
    }

    record Client(String name) implements Subject {
        public Client {
            name = checkName(name);
        }

        @Override
        public String ref() {
            return "client:" + name;
        }
    }

    /** Parses {@code user:NAME} or {@code client:NAME}. */
    static Subject parse(String ref) {
        Objects.requireNonNull(ref, "ref is null");
        int colon = ref.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("subject must be user:NAME or client:NAME, got '" + ref + "'");
        }
        String kind = ref.substring(0, colon);
        String name = ref.substring(colon + 1);
        return switch (kind) {
            case "user" -> new User(name);
            case "client" -> new Client(name);
            default -> throw new IllegalArgumentException("subject kind must be user or client, got '" + kind + "'");
        };
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid subject name '" + name + "'");
        }
        return name;
    }
}
