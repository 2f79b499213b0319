package dev.slate.appliance.embedded;

import java.nio.file.Path;

/**
 * Stands in for the appliance JVM in {@link EmbeddedCrashRecoveryTest}: starts the embedded services
 * of a home, prints their pids, then waits to be killed.
 */
public final class EmbeddedServicesChild {
    private EmbeddedServicesChild() {}

    public static void main(String[] args) throws InterruptedException {
        EmbeddedServices services = EmbeddedServices.start(new EmbeddedSettings(
                true, false, Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2])));
        System.out.println("READY postmaster=" + services.postmasterPid() + " redis=" + services.redisPid()
                + " watchdog=" + services.watchdogPid() + " pg-port="
                + services.postgres().port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
