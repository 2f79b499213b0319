package dev.slate.installer.cluster;

/** Applying one object failed; names the object and the step (apply or read-back), keeps the cause. */
public final class ClusterApplyException extends RuntimeException {
    private final ObjectRef ref;

    ClusterApplyException(ObjectRef ref, String reason, Throwable cause) {
        super(ref + ": " + reason, cause);
        this.ref = ref;
    }

    public ObjectRef ref() {
        return ref;
    }
}
