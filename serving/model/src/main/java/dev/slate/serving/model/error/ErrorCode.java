package dev.slate.serving.model.error;

/**
 * Slate's one vocabulary of stable error codes. Clients match on these names; wording may change, a code
 * may not. Each code has a {@link Scope}: what it is attached to.
 *
 * <ul>
 *   <li>{@link Scope#REQUEST}: a whole request failed ({@code code} of an {@code application/problem+json}
 *       answer, docs/specs/rest-contract.md#errors). The HTTP status is chosen by the web layer, not here.</li>
 *   <li>{@link Scope#FIELD}: one value of an answer failed; the request succeeds (docs/specs/rest-contract.md#field-errors).</li>
 *   <li>{@link Scope#PROJECT}: one reason a project is invalid, listed in {@code errors[].code} of a
 *       {@code VALIDATION_FAILED} answer (docs/specs/project-format.md#problem-codes).</li>
 * </ul>
 */
public enum ErrorCode {
    // request errors
    /** Malformed JSON, an unknown or mistyped JSON field, an unreadable upload. */
    PARSE_FAILED(Scope.REQUEST),
    /** A well-formed request that asks for something invalid. */
    INVALID_QUERY(Scope.REQUEST),
    /** Every problem of the query is an unknown output feature. */
    RESOLVER_NOT_FOUND(Scope.REQUEST),
    /** The project (or another declarative body, such as an alert rule) is invalid; {@code errors} lists why. */
    VALIDATION_FAILED(Scope.REQUEST),
    UNAUTHENTICATED(Scope.REQUEST),
    UNAUTHORIZED(Scope.REQUEST),
    NOT_FOUND(Scope.REQUEST),
    /** The request does not fit the current state (see {@link SlateException.Condition} for the finer cases). */
    CONFLICT(Scope.REQUEST),
    PAYLOAD_TOO_LARGE(Scope.REQUEST),
    UNSUPPORTED_MEDIA_TYPE(Scope.REQUEST),
    NO_ACTIVE_DEPLOYMENT(Scope.REQUEST),
    /** A request names a branch the environment does not have (docs/environments.md, "Branches"). */
    UNKNOWN_BRANCH(Scope.REQUEST),
    STORE_UNAVAILABLE(Scope.REQUEST),
    INTERNAL_SERVER_ERROR(Scope.REQUEST),

    // field errors
    /** The resolver (or expression) failed for this row. */
    RESOLVER_FAILED(Scope.FIELD),
    /** The resolver did not answer within its timeout. */
    RESOLVER_TIMED_OUT(Scope.FIELD),
    /** An input the feature needs failed, or the online store is down for an ingested feature. */
    UPSTREAM_FAILED(Scope.FIELD),

    // project problems
    /** A file is not valid YAML. */
    YAML_SYNTAX(Scope.PROJECT),
    /** A file name or path the project cannot hold (extension, {@code ..}, absolute path, backslash). */
    BAD_FILE(Scope.PROJECT),
    /** The project has no slate.yaml. */
    MISSING_FILE(Scope.PROJECT),
    /** A required key is missing. */
    MISSING_FIELD(Scope.PROJECT),
    /** A key that the format does not know. */
    UNKNOWN_FIELD(Scope.PROJECT),
    /** A value of the wrong shape (a list where a mapping belongs, a number out of range, ...). */
    INVALID_VALUE(Scope.PROJECT),
    /** A name that is not an identifier or is reserved. */
    INVALID_NAME(Scope.PROJECT),
    /** An unknown feature type, source kind or resolver kind. */
    UNKNOWN_TYPE(Scope.PROJECT),
    /** A reference to a feature that the entity does not declare. */
    UNKNOWN_FEATURE(Scope.PROJECT),
    /** A reference to an entity that the project does not declare. */
    UNKNOWN_ENTITY(Scope.PROJECT),
    /** A resolver names a source that the project does not declare. */
    UNKNOWN_SOURCE(Scope.PROJECT),
    /** A name declared twice. */
    DUPLICATE_NAME(Scope.PROJECT),
    /** Features that depend on each other in a circle. */
    CYCLE(Scope.PROJECT),
    /** A feature that nothing produces. */
    NO_RESOLVER(Scope.PROJECT),
    /** A SQL parameter that no feature of the resolver's entity satisfies. */
    UNBOUND_PARAMETER(Scope.PROJECT),
    /** A CEL expression that does not compile or has the wrong result type. */
    BAD_EXPRESSION(Scope.PROJECT),
    /** A duration that cannot be read, or is negative. */
    BAD_DURATION(Scope.PROJECT),
    /** An entity key that is missing or has a type other than int or string. */
    INVALID_KEY(Scope.PROJECT),
    /** A feature with more than one producer. */
    AMBIGUOUS_RESOLVER(Scope.PROJECT),
    /** A resolver whose entity cannot be told from its columns and parameters. */
    AMBIGUOUS_ENTITY(Scope.PROJECT),
    /** Part of the format that this version of Slate accepts but does not run yet. */
    UNSUPPORTED(Scope.PROJECT),
    /** A credential written in plain text instead of a secret reference. */
    PLAINTEXT_SECRET(Scope.PROJECT),
    /** Resolver SQL that Slate cannot map to features. */
    BAD_SQL(Scope.PROJECT);

    /** What a code is attached to. */
    public enum Scope {
        /** A whole request failed. */
        REQUEST,
        /** One value of an answer failed. */
        FIELD,
        /** One problem of an invalid project. */
        PROJECT
    }

    private final Scope scope;

    ErrorCode(Scope scope) {
        this.scope = scope;
    }

    public Scope scope() {
        return scope;
    }
}
