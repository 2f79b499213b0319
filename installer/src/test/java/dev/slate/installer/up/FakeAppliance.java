package dev.slate.installer.up;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the packaged appliance, run as a child process by {@link ApplianceRunnerTest}:
 * {@code FakeAppliance PORT READY_AFTER_MS MODE} where MODE is {@code normal} (ready READY_AFTER_MS after it
 * printed its last log line, and only after it has refused one readiness probe past that time: the runner
 * shows its waiting dots only after a second without log lines, so however slowly either JVM runs, the
 * waiting line is printed before the appliance is ready; {@code /quit} exits 0), {@code die} (exits 3 at once) or {@code never} (never ready).
 */
public final class FakeAppliance {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long delayMs = Long.parseLong(args[1]);
        String mode = args[2];
        System.out.println("fake appliance starting in mode " + mode);
        if (mode.equals("die")) {
            System.out.println("fake appliance failed: port in use");
            System.exit(3);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        AtomicLong readyAt = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean refusedWhenDue = new AtomicBoolean();
        server.createContext("/q/health/ready", exchange -> {
            boolean due = !mode.equals("never") && System.currentTimeMillis() >= readyAt.get();
            boolean up = due && refusedWhenDue.get();
            if (due) {
                refusedWhenDue.set(true);
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
        System.out.flush();
        readyAt.set(System.currentTimeMillis() + delayMs);
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
