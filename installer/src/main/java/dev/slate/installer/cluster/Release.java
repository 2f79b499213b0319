package dev.slate.installer.cluster;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One revision of an installation in a namespace, as the installer records it (like a Helm release): what was
 * installed ({@code version}, the images by digest, the values' digest, the rendered manifest), how far the
 * operation that made it got ({@code doneSteps}, {@code failedStep}) and its status. Stored in a Secret per
 * revision ({@link ReleaseStore}) because the rendered manifest holds generated credentials.
 *
 * @param operation install, upgrade or rollback: what made this revision
 * @param images the chart's image name ({@code appliance}) to {@code REGISTRY/REPOSITORY@DIGEST}
 * @param manifest the rendered manifest applied (empty until the render step is done)
 * @param backup the metadata-database backup taken before this revision was applied (upgrade), or that rollback
 *     restored; empty when none
 * @param rolledBackTo for a rollback, the revision whose manifest it applied; 0 otherwise
 */
public record Release(
        String name,
        String namespace,
        int revision,
        Operation operation,
        String version,
        String valuesDigest,
        Map<String, String> images,
        String manifest,
        Status status,
        List<String> doneSteps,
        String failedStep,
        String message,
        String backup,
        int rolledBackTo,
        String updated) {
    public Release {
        requireNonNull(name, "name is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(operation, "operation is null");
        requireNonNull(version, "version is null");
        requireNonNull(valuesDigest, "valuesDigest is null");
        images = Map.copyOf(requireNonNull(images, "images is null"));
        requireNonNull(manifest, "manifest is null");
        requireNonNull(status, "status is null");
        doneSteps = List.copyOf(requireNonNull(doneSteps, "doneSteps is null"));
        requireNonNull(failedStep, "failedStep is null");
        requireNonNull(message, "message is null");
        requireNonNull(backup, "backup is null");
        requireNonNull(updated, "updated is null");
        if (revision < 1) {
            throw new IllegalArgumentException("revision must be 1 or more: " + revision);
        }
    }

    /** What produced a revision. */
    public enum Operation {
        INSTALL,
        UPGRADE,
        ROLLBACK
    }

    /** Where a revision stands. */
    public enum Status {
        /** its operation has started and not finished: a re-run continues it at the first step not done */
        PENDING,
        /** its operation failed at {@code failedStep}; a re-run of the same operation continues there */
        FAILED,
        /** the revision running now */
        DEPLOYED,
        /** an earlier revision, replaced by a later one */
        SUPERSEDED,
        /** an upgrade or rollback that failed and was undone: the revision before it runs again */
        ROLLED_BACK
    }

    public boolean done(String step) {
        return doneSteps.contains(step);
    }

    public boolean inProgress() {
        return status == Status.PENDING || status == Status.FAILED;
    }

    public Release withStepDone(String step, String now) {
        List<String> steps = new ArrayList<>(doneSteps);
        if (!steps.contains(step)) {
            steps.add(step);
        }
        return progress(images, manifest, Status.PENDING, steps, "", "", backup, now);
    }

    public Release withFailure(String step, String reason, String now) {
        return progress(images, manifest, Status.FAILED, doneSteps, step, reason, backup, now);
    }

    public Release withStatus(Status newStatus, String reason, String now) {
        return progress(
                images,
                manifest,
                newStatus,
                doneSteps,
                newStatus == Status.FAILED ? failedStep : "",
                reason,
                backup,
                now);
    }

    public Release withImages(Map<String, String> newImages) {
        return progress(newImages, manifest, status, doneSteps, failedStep, message, backup, updated);
    }

    public Release withManifest(String newManifest) {
        return progress(images, newManifest, status, doneSteps, failedStep, message, backup, updated);
    }

    public Release withBackup(String newBackup) {
        return progress(images, manifest, status, doneSteps, failedStep, message, newBackup, updated);
    }

    /** This revision with what an operation changes as it goes; its identity and origin stay. */
    private Release progress(
            Map<String, String> newImages,
            String newManifest,
            Status newStatus,
            List<String> newDoneSteps,
            String newFailedStep,
            String newMessage,
            String newBackup,
            String newUpdated) {
        return new Release(
                name,
                namespace,
                revision,
                operation,
                version,
                valuesDigest,
                newImages,
                newManifest,
                newStatus,
                newDoneSteps,
                newFailedStep,
                newMessage,
                newBackup,
                rolledBackTo,
                newUpdated);
    }
}
