package dev.slate.storage.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Chooses the port of an embedded service: the preferred one when it is free, else any free port. */
public final class Ports {
    private Ports() {}

    public static int preferredOrFree(int preferred) {
        return isFree(preferred) ? preferred : anyFree();
    }

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // as PostgreSQL and Redis do: connections of a previous run in TIME_WAIT do not make the port taken
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free local port", e);
        }
    }
}
