package corral.agent.checkpoint;

import corral.agent.launcher.LaunchedContainer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A container re-adopted after an agent restart. Its first process is no longer the agent's child,
 * so it cannot be {@code waitpid}ed: the agent polls {@code /proc/<pid>/stat} (checking the start
 * time, so a reused pid is never mistaken for it) and, once the process is gone, reads the task's
 * {@code $?} from the {@code status} file the container's first process wrote, as the wait status
 * {@code $? << 8} a live agent would have seen (see {@code CheckpointScan.readExitStatus}).
 *
 * <p>{@link #exit()} completes exceptionally with {@link ExitStatusUnknownException} when the process
 * left no status (it was killed before it could write it).
 */
public final class AdoptedContainer implements LaunchedContainer {

    private static final System.Logger LOG = System.getLogger(AdoptedContainer.class.getName());
    private static final long POLL_MILLIS = 100;
    private static final Map<AdoptedContainer, Boolean> WATCHED = new ConcurrentHashMap<>();
    /** The one polling thread, running only while some container is watched; guarded by WATCHED. */
    private static Thread poller;

    private static void watch(AdoptedContainer container) {
        synchronized (WATCHED) {
            WATCHED.put(container, Boolean.TRUE);
            if (poller == null) {
                poller = new Thread(AdoptedContainer::pollLoop, "corral-adopted-process-poller");
                poller.setDaemon(true);
                poller.start();
            }
        }
    }

    private static void pollLoop() {
        while (true) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pollAll();
            synchronized (WATCHED) {
                if (WATCHED.isEmpty()) {
                    poller = null;
                    return;
                }
            }
        }
    }

    /** The container's first process ended without recording the task's exit status. */
    public static final class ExitStatusUnknownException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message which process and file */
        public ExitStatusUnknownException(String message) {
            super(message);
        }
    }

    private final ProcessIdentity process;
    private final Path statusFile;
    private final String cgroupsRoot;
    private final String cgroupName;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private AdoptedContainer(ProcessIdentity process, Path statusFile, String cgroupsRoot, String cgroupName) {
        this.process = process;
        this.statusFile = statusFile;
        this.cgroupsRoot = cgroupsRoot;
        this.cgroupName = cgroupName;
    }

    /**
     * Starts watching a recovered container's first process.
     *
     * @param process its first process
     * @param statusFile where it records the task's exit status
     * @return the adopted container; {@link #exit()} completes at once when the process is already gone
     */
    public static AdoptedContainer adopt(ProcessIdentity process, Path statusFile) {
        return adopt(process, statusFile, null, null);
    }

    /**
     * Starts watching a recovered container's first process; the launcher's cgroups of the container
     * ({@code <hierarchy>/<cgroupsRoot>/<cgroupName>} in every hierarchy) are killed and removed when
     * it ends or is destroyed, as the launcher would have done.
     *
     * @param process its first process
     * @param statusFile where it records the task's exit status
     * @param cgroupsRoot the {@code --cgroups_root}, or null when the container has no cgroups
     * @param cgroupName the container's cgroup name (its id)
     * @return the adopted container; {@link #exit()} completes at once when the process is already gone
     */
    public static AdoptedContainer adopt(ProcessIdentity process, Path statusFile, String cgroupsRoot,
            String cgroupName) {
        AdoptedContainer container = new AdoptedContainer(process, statusFile, cgroupsRoot, cgroupName);
        if (!container.poll()) {
            watch(container);
            container.poll(); // it may have ended between the check and the registration
        }
        return container;
    }

    private static void pollAll() {
        for (AdoptedContainer c : WATCHED.keySet()) {
            try {
                c.poll();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "polling process " + c.process.pid() + " failed", e);
            }
        }
    }

    /** @return whether the process is gone and {@link #exit} completed */
    private boolean poll() {
        if (exit.isDone()) {
            WATCHED.remove(this);
            return true;
        }
        if (process.alive()) {
            return false;
        }
        WATCHED.remove(this);
        removeCgroups();
        try {
            Optional<Integer> status = CheckpointScan.readExitStatus(statusFile);
            if (status.isPresent()) {
                exit.complete(status.get());
            } else {
                exit.completeExceptionally(new ExitStatusUnknownException("process " + process.pid()
                        + " ended without recording an exit status in " + statusFile));
            }
        } catch (IOException | RuntimeException e) {
            exit.completeExceptionally(new ExitStatusUnknownException("process " + process.pid()
                    + " ended; its exit status in " + statusFile + " is unreadable: " + e.getMessage()));
        }
        return true;
    }

    /** @return the first process with its start time */
    public ProcessIdentity process() {
        return process;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    /** Does nothing: an adopted container runs its task already. */
    @Override
    public void start() {
    }

    @Override
    public void abort() {
        destroy(Duration.ZERO);
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    @Override
    public void signal(int signal) {
        Signals.send(process, signal);
    }

    @Override
    public void destroy(Duration grace) {
        if (!grace.isZero() && process.alive()) {
            Signals.send(process, Signals.SIGTERM);
            if (awaitExit(grace)) {
                return;
            }
        }
        removeCgroups(); // kills every process of the container, then removes its cgroups
        Signals.send(process, Signals.SIGKILL);
        awaitExit(Duration.ofSeconds(30));
    }

    private void removeCgroups() {
        if (cgroupsRoot == null) {
            return;
        }
        for (String problem : new HostLeftovers().destroyCgroups(cgroupsRoot, cgroupName)) {
            LOG.log(Level.WARNING, problem);
        }
    }

    private boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                poll();
                return true;
            }
            try {
                exit.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException | ExecutionException e) {
                if (exit.isDone()) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !process.alive();
    }
}
