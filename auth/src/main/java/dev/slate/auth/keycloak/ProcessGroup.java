package dev.slate.auth.keycloak;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A process group started under {@code setsid}: {@code kc.sh} and the JVM it launches share it, so a
 * stop reaches both whichever of them the recorded id belongs to. Linux only ({@code kill}).
 */
record ProcessGroup(long id) {

    ProcessGroup {
        if (id <= 1) {
            throw new IllegalArgumentException("invalid process group id " + id);
        }
    }

    /** Any member of the group alive (or the leader itself, in the instant before it called setsid). */
    boolean alive() {
        return kill("-0") || ProcessHandle.of(id).map(ProcessHandle::isAlive).orElse(false);
    }

    /** SIGTERM to the group, then SIGKILL if it has not exited within {@code grace}. True if it is gone. */
    boolean stop(Duration grace) {
        if (!alive()) {
            return true;
        }
        if (!kill("-TERM")) {
            ProcessHandle.of(id).ifPresent(ProcessHandle::destroy);
        }
        if (awaitExit(grace)) {
            return true;
        }
        if (!kill("-KILL")) {
            ProcessHandle.of(id).ifPresent(ProcessHandle::destroyForcibly);
        }
        return awaitExit(Duration.ofSeconds(10));
    }

    boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (alive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(200);
        }
        return true;
    }

    private boolean kill(String signal) {
        try {
            Process p = new ProcessBuilder("kill", signal, "--", "-" + id)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            throw new KeycloakException("cannot run kill: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeycloakException("interrupted", e);
        }
    }
}
