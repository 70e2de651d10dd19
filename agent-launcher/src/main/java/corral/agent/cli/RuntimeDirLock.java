package corral.agent.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Who uses a {@code --runtime_dir}: {@code serve} alone (an exclusive lock), or any number of
 * {@code run}s (shared locks), never both. A {@code serve} that starts destroys every container of
 * the runtime directory it did not checkpoint as an orphan, and isolators with host-wide state
 * (project ids, net_cls handles) know only their own process's containers, so one agent must not
 * start or recover beside another on the same directories. The lock is {@code <runtime_dir>/agent.lock}
 * ({@code fcntl}, so it goes with the process, even after {@code kill -9}); {@code serve} writes
 * its pid into it for the message. Not thread-safe; one per command.
 */
final class RuntimeDirLock implements AutoCloseable {

    static final String FILE = "agent.lock";

    private final FileChannel channel;

    private RuntimeDirLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * @param runtimeDir the {@code --runtime_dir}, created if missing
     * @param serve whether this is {@code serve} (exclusive) or {@code run} (shared)
     * @return the lock, held until closed or the process ends
     * @throws StartupException naming the directory and the other agent
     */
    static RuntimeDirLock acquire(Path runtimeDir, boolean serve) {
        Path file = runtimeDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(runtimeDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock(0, Long.MAX_VALUE, !serve);
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already
            }
            if (lock == null) {
                String holder = serve && heldByRuns(channel) ? "'bin/agent run' is using it"
                        : "'bin/agent serve'" + pidIn(channel) + " is using it";
                throw new StartupException(List.of("Another Corral agent uses --runtime_dir '" + runtimeDir
                        + "': " + holder + ". Give this one its own --runtime_dir and --work_dir (a 'serve' destroys"
                        + " the containers of its runtime directory that it did not start), or wait for the other"
                        + " to end"));
            }
            if (serve) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                        0);
            }
            RuntimeDirLock held = new RuntimeDirLock(channel);
            channel = null;
            return held;
        } catch (IOException e) {
            throw new StartupException(List.of("Cannot lock --runtime_dir '" + runtimeDir + "' (" + file
                    + "): " + e.getMessage()));
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // nothing was locked
                }
            }
        }
    }

    /** @return whether only shared locks (runs) hold the file: a shared lock can still be had */
    private static boolean heldByRuns(FileChannel channel) throws IOException {
        try {
            FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) {
                return false;
            }
            probe.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }

    private static String pidIn(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            channel.close(); // releases the lock
        } catch (IOException e) {
            // the fd is gone either way, and with it the lock
        }
    }
}
