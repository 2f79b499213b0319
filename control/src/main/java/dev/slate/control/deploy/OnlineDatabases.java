package dev.slate.control.deploy;

import java.util.Optional;

/**
 * Whether the online store lets an environment keep its values in a logical database of its own, and up to which
 * number (docs/environments.md, "Namespaces"). The appliance provides it from its Redis settings; without it no
 * environment may choose a database. Redis Cluster has only database 0, so there the answer is empty.
 */
public interface OnlineDatabases {

    /** The highest database number an environment may choose; empty when it may choose none. */
    Optional<Integer> maxDatabase();

    /** Why no database may be chosen, for the error message. */
    default String whyNone() {
        return "the online store offers no logical databases";
    }
}
