package dev.slate.model;

/**
 * The stable codes of {@link ProjectProblem}s. Tools match on these names; the wording of the
 * message may change, the code may not.
 */
public enum ProblemCode {
    /** A file is not valid YAML. */
    YAML_SYNTAX,
    /** A file name or path the project cannot hold (extension, {@code ..}, absolute path, backslash). */
    BAD_FILE,
    /** The project has no slate.yaml. */
    MISSING_FILE,
    /** A required key is missing. */
    MISSING_FIELD,
    /** A key that the format does not know. */
    UNKNOWN_FIELD,
    /** A value of the wrong shape (a list where a mapping belongs, a number out of range, ...). */
    INVALID_VALUE,
    /** A name that is not an identifier or is reserved. */
    INVALID_NAME,
    /** An unknown feature type, source kind or resolver kind. */
    UNKNOWN_TYPE,
    /** A reference to a feature that the entity does not declare. */
    UNKNOWN_FEATURE,
    /** A reference to an entity that the project does not declare. */
    UNKNOWN_ENTITY,
    /** A resolver names a source that the project does not declare. */
    UNKNOWN_SOURCE,
    /** A name declared twice. */
    DUPLICATE_NAME,
    /** Features that depend on each other in a circle. */
    CYCLE,
    /** A feature that nothing produces. */
    NO_RESOLVER,
    /** A SQL parameter that no feature of the resolver's entity satisfies. */
    UNBOUND_PARAMETER,
    /** A CEL expression that does not compile or has the wrong result type. */
    BAD_EXPRESSION,
    /** A duration that cannot be read, or is negative. */
    BAD_DURATION,
    /** An entity key that is missing or has a type other than int or string. */
    INVALID_KEY,
    /** A feature with more than one producer. */
    AMBIGUOUS_RESOLVER,
    /** A resolver whose entity cannot be told from its columns and parameters. */
    AMBIGUOUS_ENTITY,
    /** Part of the format that this version of Slate accepts but does not run yet. */
    UNSUPPORTED,
    /** A credential written in plain text instead of a secret reference. */
    PLAINTEXT_SECRET,
    /** Resolver SQL that Slate cannot map to features. */
    BAD_SQL
}
