package dev.slate.installer.up;

import dev.slate.installer.CliException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code HOME/run/up.lock}, held by the {@code slate up} of a home while it runs. The operating system
 * releases it however that process dies, so the next {@code slate up} that gets it knows that whatever
 * still runs from the home was left behind and may be stopped. The file holds the holder's pid, for the
 * message only.
 */
public final class HomeLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private HomeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws CliException when another live process holds the lock */
    public static HomeLock acquire(Path home, String what) {
        Path file = home.resolve("run").resolve("up.lock");
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                String holder;
                try {
                    holder = " (pid "
                            + Files.readString(file, StandardCharsets.US_ASCII).strip() + ")";
                } catch (IOException e) {
                    holder = "";
                }
                throw new CliException(what + " already runs with the home " + home + holder
                        + "; stop it first or use another --home");
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new HomeLock(channel, lock);
        } catch (IOException e) {
            throw new CliException("cannot lock " + file + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
