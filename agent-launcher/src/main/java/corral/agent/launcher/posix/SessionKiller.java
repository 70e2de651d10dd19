package corral.agent.launcher.posix;

import corral.bindings.ProcStat;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a container's processes by session: the posix launcher starts every container as the
 * leader of a new session, so its processes are those whose session id is the leader's pid. A
 * process that starts its own session ({@code setsid}, daemons) escapes; only a cgroup catches
 * those. Works without root for processes of the agent's own user.
 */
public final class SessionKiller implements ContainerKiller {

    private static final Path PROC = Path.of("/proc");

    @Override
    public int signalAll(long leader, int signal) {
        int count = 0;
        for (long pid : members(leader)) {
            if (Signals.send(pid, signal)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public boolean anyAlive(long leader) {
        return !members(leader).isEmpty();
    }

    /** @return the live (non-zombie) processes of the session led by {@code leader} */
    static List<Long> members(long leader) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path entry : entries) {
                ProcStat.read(Long.parseLong(entry.getFileName().toString()))
                        .filter(stat -> stat.session() == leader && !stat.exited())
                        .ifPresent(stat -> pids.add(stat.pid()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("read /proc: " + e.getMessage(), e);
        }
        return pids;
    }
}
