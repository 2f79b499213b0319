package dev.slate.installer.up;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the packaged appliance, run as a child process by {@link ApplianceRunnerTest}:
 * {@code FakeAppliance PORT READY_AFTER_MS MODE} where MODE is {@code normal} (ready after the delay and
 * after it has refused at least one readiness probe, so a slow start of the test JVM never skips the waiting
 * phase; {@code /quit} exits 0), {@code die} (exits 3 at once) or {@code never} (never ready).
 */
public final class FakeAppliance {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long readyAt = System.currentTimeMillis() + Long.parseLong(args[1]);
        String mode = args[2];
        System.out.println("fake appliance starting in mode " + mode);
        if (mode.equals("die")) {
            System.out.println("fake appliance failed: port in use");
            System.exit(3);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        AtomicInteger refusedProbes = new AtomicInteger();
        server.createContext("/q/health/ready", exchange -> {
            boolean up = !mode.equals("never") && System.currentTimeMillis() >= readyAt && refusedProbes.get() > 0;
            if (!up) {
                refusedProbes.incrementAndGet();
            }
            respond(exchange, up ? 200 : 503, up ? "{\"status\":\"UP\",\"checks\":[]}" : "{\"status\":\"DOWN\"}");
        });
        server.createContext("/quit", exchange -> {
            respond(exchange, 200, "{}");
            System.out.println("fake appliance stopping");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        });
        server.start();
        System.out.println("fake appliance listening on " + port);
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
