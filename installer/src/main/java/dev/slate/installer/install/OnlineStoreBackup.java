package dev.slate.installer.install;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A copy of an online store (one Redis database) taken with {@code DUMP} and put back with {@code RESTORE}: the
 * serialized values of Redis itself, so every type and its time to live come back as they were. The file is a
 * sequence of (key, remaining time to live in ms or -1, value) records after a magic line.
 */
public final class OnlineStoreBackup {
    private static final String MAGIC = "slate-online-store-backup 1";

    private OnlineStoreBackup() {}

    /** @return how many keys were saved */
    public static int save(RedisTarget target, Optional<String> password, Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        int count = 0;
        try (RedisWire redis = RedisWire.connect(target, password);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
            out.writeUTF(MAGIC);
            for (byte[] key : redis.keys()) {
                Object value = redis.callBinary("DUMP".getBytes(StandardCharsets.US_ASCII), key);
                if (value == null) {
                    continue; // expired or deleted since SCAN saw it
                }
                long ttl = (Long) redis.callBinary("PTTL".getBytes(StandardCharsets.US_ASCII), key);
                writeBytes(out, key);
                out.writeLong(ttl < 0 ? -1 : ttl);
                writeBytes(out, (byte[]) value);
                count++;
            }
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return count;
    }

    /**
     * Makes the database hold exactly the saved keys: those not in the backup are deleted, the saved ones restored
     * (replacing what is there).
     *
     * @return how many keys were restored
     */
    public static int restore(RedisTarget target, Optional<String> password, Path file) throws IOException {
        Set<ByteBuffer> saved = new HashSet<>();
        int count = 0;
        try (RedisWire redis = RedisWire.connect(target, password);
                DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw new IOException(file + " is not an online store backup");
            }
            List<byte[]> present = redis.keys();
            while (true) {
                byte[] key;
                try {
                    key = readBytes(in);
                } catch (EOFException end) {
                    break;
                }
                long ttl = in.readLong();
                byte[] value = readBytes(in);
                redis.callBinary(
                        bytes("RESTORE"), key, bytes(Long.toString(Math.max(ttl, 0))), value, bytes("REPLACE"));
                saved.add(ByteBuffer.wrap(key));
                count++;
            }
            for (byte[] key : present) {
                if (!saved.contains(ByteBuffer.wrap(key))) {
                    redis.callBinary(bytes("DEL"), key);
                }
            }
        }
        return count;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
