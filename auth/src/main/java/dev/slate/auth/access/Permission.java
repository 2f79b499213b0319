package dev.slate.auth.access;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an identity may do in one environment. The {@linkplain #code() code} is the stable name used in
 * documentation, audit records and problem responses.
 */
public enum Permission {
    /** {@code POST /v1/query/online} and the online catalog reads it implies. */
    QUERY_ONLINE("query.online"),
    /** Historical (point-in-time) queries against the offline store. */
    QUERY_OFFLINE("query.offline"),
    /** Writing feature values (ingestion, materialization triggers). */
    INGEST("ingest"),
    /** Creating and activating deployments. */
    DEPLOY("deploy"),
    /** Reading the catalog: projects, features, entities, deployments. */
    READ_CATALOG("read.catalog"),
    /** Administration: role bindings, audit log, secrets. */
    ADMIN("admin");

    private final String code;

    Permission(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The permission with this code, if any ({@code "query.online"} gives {@link #QUERY_ONLINE}). */
    public static Optional<Permission> fromCode(String code) {
        return Arrays.stream(values()).filter(p -> p.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}
