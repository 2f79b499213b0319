package dev.slate.appliance.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a free loopback port in front of a real server (PostgreSQL, Redis), for outage
 * tests: {@link Mode#FORWARD} passes bytes both ways; {@link Mode#FROZEN} keeps every connection
 * open and accepts new ones but passes nothing, as a server stopped with SIGSTOP does; {@link
 * Mode#REFUSE} resets every connection and every new one, as an unreachable server does. Bytes held
 * while frozen are delivered when it forwards again.
 */
public final class SwitchableTcpProxy implements AutoCloseable {

    public enum Mode {
        FORWARD,
        FROZEN,
        REFUSE
    }

    private final int upstreamPort;
    private final ServerSocket server;
    private final ServerSocket control;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile Mode mode = Mode.FORWARD;

    public SwitchableTcpProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.control = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform()
                .daemon()
                .name("proxy-accept-" + server.getLocalPort())
                .start(this::acceptLoop);
        Thread.ofPlatform()
                .daemon()
                .name("proxy-control-" + control.getLocalPort())
                .start(this::controlLoop);
    }

    /**
     * A loopback port that takes one line per connection, a {@link Mode} name, switches to it and
     * answers {@code ok}: tests drive a proxy started by a Quarkus test resource through it, whatever
     * class loader each side has.
     */
    public int controlPort() {
        return control.getLocalPort();
    }

    /** Switches the proxy listening for commands on {@code controlPort} (see {@link #controlPort()}). */
    public static void send(int controlPort, Mode next) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), controlPort)) {
            s.getOutputStream().write((next.name() + "\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String reply =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (!"ok".equals(reply)) {
                throw new IllegalStateException("proxy control answered " + reply);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void controlLoop() {
        while (!control.isClosed()) {
            try (Socket s = control.accept()) {
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                mode(Mode.valueOf(line.strip()));
                s.getOutputStream().write("ok\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            } catch (IOException | RuntimeException e) {
                if (control.isClosed()) {
                    return;
                }
            }
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public void mode(Mode next) {
        synchronized (lock) {
            mode = next;
            lock.notifyAll();
        }
        if (next == Mode.REFUSE) {
            open.forEach(SwitchableTcpProxy::reset);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (mode == Mode.REFUSE) {
                reset(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread.ofPlatform().daemon().name("proxy-pump-" + from.getPort()).start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (lock) {
                        while (mode == Mode.FROZEN) {
                            lock.wait();
                        }
                    }
                    if (mode == Mode.REFUSE) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            } finally {
                reset(from);
                reset(to);
            }
        });
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        mode(Mode.REFUSE);
        server.close();
        control.close();
    }
}
