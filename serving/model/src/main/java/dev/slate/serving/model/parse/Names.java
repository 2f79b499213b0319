package dev.slate.serving.model.parse;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** What names in a project may look like. */
final class Names {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern RESOURCE = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    /** CEL reserved words and {@code now}: a feature of that name could not be used in expressions. */
    private static final Set<String> RESERVED = Set.of(
            "now",
            "true",
            "false",
            "null",
            "in",
            "as",
            "break",
            "const",
            "continue",
            "else",
            "for",
            "function",
            "if",
            "import",
            "let",
            "loop",
            "package",
            "namespace",
            "return",
            "var",
            "void",
            "while");

    private Names() {}

    /** Why {@code name} cannot name an entity or feature, or empty when it can. */
    static Optional<String> checkIdentifier(String name, String what) {
        if (!IDENTIFIER.matcher(name).matches()) {
            return Optional.of(
                    what + " name '" + name + "' must start with a letter or _ and hold only letters, digits and _");
        }
        if (RESERVED.contains(name)) {
            return Optional.of(what + " name '" + name + "' is reserved (expressions use it)");
        }
        return Optional.empty();
    }

    /** Why {@code name} cannot name a resolver or source, or empty when it can. */
    static Optional<String> checkResourceName(String name, String what) {
        if (!RESOURCE.matcher(name).matches()) {
            return Optional.of(
                    what + " name '" + name + "' must start with a letter or _ and hold only letters, digits, _ and -");
        }
        return Optional.empty();
    }

    static Optional<String> checkProjectName(String name) {
        if (!PROJECT.matcher(name).matches() || name.length() > 100) {
            return Optional.of("project name '" + name
                    + "' must start with a letter or digit and hold only letters, digits, _, . and - (at most 100)");
        }
        return Optional.empty();
    }
}
