package dev.slate.installer.install;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A minimal Redis client (the RESP2 protocol over one socket) for what the installer does to an online store:
 * PING, INFO, SCAN, DUMP, RESTORE, DEL. Not a general client: one connection, one command at a time.
 */
public final class RedisWire implements Closeable {
    /** An error reply ({@code -ERR ...}). */
    public static final class RedisError extends IOException {
        RedisError(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RedisWire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects, authenticates when a password is given, and selects {@code target}'s database. */
    public static RedisWire connect(RedisTarget target, Optional<String> password) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(target.host(), target.port()), 5_000);
            socket.setSoTimeout(60_000);
            RedisWire wire = new RedisWire(socket);
            if (password.isPresent()) {
                wire.call("AUTH", password.get());
            }
            if (target.database() != 0) {
                wire.call("SELECT", Integer.toString(target.database()));
            }
            return wire;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends a command of text arguments; returns the reply (String, Long, byte[], List or null). */
    public Object call(String... arguments) throws IOException {
        byte[][] bytes = new byte[arguments.length][];
        for (int i = 0; i < arguments.length; i++) {
            bytes[i] = arguments[i].getBytes(StandardCharsets.UTF_8);
        }
        return callBinary(bytes);
    }

    public Object callBinary(byte[]... arguments) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + arguments.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] argument : arguments) {
            request.writeBytes(("$" + argument.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(argument);
            request.writeBytes(new byte[] {'\r', '\n'});
        }
        out.write(request.toByteArray());
        out.flush();
        return read();
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("Redis closed the connection");
        }
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new RedisError(line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] data = in.readNBytes(length);
                if (data.length != length || in.read() != '\r' || in.read() != '\n') {
                    throw new IOException("truncated Redis reply");
                }
                yield data;
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    yield null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                yield items;
            }
            default -> throw new IOException("unexpected Redis reply type '" + (char) type + "'");
        };
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            line.write(c);
        }
        if (in.read() != '\n') {
            throw new IOException("malformed Redis reply");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Every key of the selected database (SCAN, so a large store does not block the server). */
    public List<byte[]> keys() throws IOException {
        List<byte[]> keys = new ArrayList<>();
        String cursor = "0";
        do {
            List<?> reply = (List<?>) call("SCAN", cursor, "COUNT", "1000");
            cursor = new String((byte[]) reply.get(0), StandardCharsets.US_ASCII);
            for (Object key : (List<?>) reply.get(1)) {
                keys.add((byte[]) key);
            }
        } while (!cursor.equals("0"));
        return keys;
    }

    /** The server's {@code redis_version} from INFO server. */
    public String serverVersion() throws IOException {
        String info = new String((byte[]) call("INFO", "server"), StandardCharsets.UTF_8);
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length()).strip();
            }
        }
        throw new IOException("INFO server names no redis_version");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
