package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A credential or setting as written in a project: a reference to a secret ({@code ${secret:NAME}}),
 * to an environment variable ({@code ${env:NAME}}), or plain text. References are resolved in the
 * data plane, never here.
 */
public sealed interface SecretReference {

    Pattern REFERENCE = Pattern.compile("\\$\\{(secret|env):([A-Za-z_][A-Za-z0-9_.-]*)}");

    /** Parses text as written. Text that only looks like a reference (e.g. {@code ${vault:x}}) is plain text. */
    static SecretReference parse(String text) {
        requireNonNull(text, "text is null");
        Matcher m = REFERENCE.matcher(text.strip());
        if (m.matches()) {
            return m.group(1).equals("secret") ? new Secret(m.group(2)) : new Env(m.group(2));
        }
        return new Plain(text);
    }

    /** True when the text is a well-formed {@code ${secret:…}} or {@code ${env:…}} reference. */
    static boolean isReference(String text) {
        return !(parse(text) instanceof Plain);
    }

    /** True when the text starts like a reference but is not a well-formed one (a likely mistake). */
    static boolean looksLikeBrokenReference(String text) {
        String t = text.strip();
        return t.startsWith("${") && !isReference(t);
    }

    /** The text as written. */
    String text();

    /** {@code ${secret:NAME}}: a named secret of the environment. */
    record Secret(String name) implements SecretReference {
        public Secret {
            requireNonNull(name, "name is null");
        }

        @Override
        public String text() {
            return "${secret:" + name + "}";
        }
    }

    /** {@code ${env:NAME}}: an environment variable of the serving process. */
    record Env(String name) implements SecretReference {
        public Env {
            requireNonNull(name, "name is null");
        }

        @Override
        public String text() {
            return "${env:" + name + "}";
        }
    }

    /** Plain text (no reference). */
    record Plain(String value) implements SecretReference {
        public Plain {
            requireNonNull(value, "value is null");
        }

        @Override
        public String text() {
            return value;
        }

        @Override
        public String toString() {
            return "Plain[***]";
        }
    }
}
