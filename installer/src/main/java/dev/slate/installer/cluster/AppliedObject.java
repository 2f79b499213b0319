package dev.slate.installer.cluster;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One object after an apply: what happened to it and the object as read back from the API server.
 *
 * @param live the object read back after the apply (never null: an object that cannot be read back fails the apply)
 */
public record AppliedObject(ObjectRef ref, Outcome outcome, Method method, HasMetadata live) {
    public AppliedObject {
        requireNonNull(ref, "ref is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(method, "method is null");
        requireNonNull(live, "live is null");
    }

    /** What the apply did. */
    public enum Outcome {
        /** the object did not exist and was created */
        CREATED,
        /** the object existed and differed from the manifest, and was written */
        CONFIGURED,
        /** the object existed and already held everything the manifest says: nothing was written */
        UNCHANGED,
        /** a create-only object (a generated Secret) existed and was left alone, whatever the new rendering holds */
        KEPT
    }

    /** How the object was written. */
    public enum Method {
        /** PATCH with an apply patch under the applier's field manager (creates a missing object) */
        SERVER_SIDE_APPLY,
        /** POST: the API server has no server-side apply and the object was missing */
        CREATE,
        /** PUT at the resourceVersion read before: the API server has no server-side apply */
        UPDATE,
        /** not written (unchanged or kept) */
        NONE
    }
}
