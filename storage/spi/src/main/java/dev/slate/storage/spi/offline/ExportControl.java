package dev.slate.storage.spi.offline;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The caller's handle on one running {@link OfflineStore#export}: progress reports flow to the caller's
 * listener, and {@link #cancel()} (from any thread) stops the export as soon as the store can: the store
 * registers what interrupts its current step with {@link #onCancel}. Thread-safe.
 */
public final class ExportControl {

    private final Consumer<ExportProgress> listener;
    private Runnable cancelHook;
    private boolean cancelled;
    private double fraction;

    /** A control that reports progress to {@code listener} (called on the exporting thread or a store's progress thread). */
    public ExportControl(Consumer<ExportProgress> listener) {
        this.listener = Objects.requireNonNull(listener, "listener is null");
    }

    /** A control nobody watches or cancels. */
    public static ExportControl none() {
        return new ExportControl(p -> {});
    }

    /** Asks the export to stop; runs the store's hook, if one is registered. Idempotent. */
    public void cancel() {
        Runnable hook;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            hook = cancelHook;
        }
        if (hook != null) {
            hook.run();
        }
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** For stores: throws {@link ExportCancelledException} when cancelled. */
    public void throwIfCancelled() {
        if (isCancelled()) {
            throw new ExportCancelledException("the export was cancelled");
        }
    }

    /**
     * For stores: what stops the step now running (for example cancelling a database statement), or null
     * when no step is running. When the control is already cancelled, {@code hook} runs at once.
     */
    public void onCancel(Runnable hook) {
        boolean runNow;
        synchronized (this) {
            cancelHook = hook;
            runNow = cancelled && hook != null;
        }
        if (runNow) {
            hook.run();
        }
    }

    /** For stores: reports progress; a fraction lower than one already reported is raised to it. */
    public void report(ExportProgress.Stage stage, double fraction, long spineRows) {
        // under the lock, so that the listener sees reports in order (it must be quick)
        synchronized (this) {
            this.fraction = Math.max(this.fraction, Math.min(1, Math.max(0, fraction)));
            listener.accept(new ExportProgress(stage, this.fraction, spineRows));
        }
    }
}
