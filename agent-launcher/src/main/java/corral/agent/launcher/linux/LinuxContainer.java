package corral.agent.launcher.linux;

import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.LaunchedContainer;
import corral.agent.launcher.WaitStatus;
import corral.bindings.NativeException;
import corral.bindings.Processes;
import corral.bindings.Signals;
import corral.bindings.Spawn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A container started by the {@link LinuxLauncher}. A waiter thread blocks in {@code waitid} until
 * the init has exited, then marks it so under the lock that {@link #signal} takes, and only then
 * reaps it: a signal can never reach a recycled pid. Thread-safe.
 */
public final class LinuxContainer implements LaunchedContainer {

    private static final System.Logger LOG = System.getLogger(LinuxContainer.class.getName());

    private final long pid;
    private final ContainerCgroup cgroup;
    private final boolean pidNamespace;
    private final Path exitStatusFile;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile Processes.Exit usage;
    private int goFd;
    private boolean exited;

    LinuxContainer(LaunchSpec spec, long pid, int goFd, ContainerCgroup cgroup, boolean pidNamespace) {
        this.pid = pid;
        this.goFd = goFd;
        this.cgroup = cgroup;
        this.pidNamespace = pidNamespace;
        this.exitStatusFile = pidNamespace ? null : spec.exitStatusFile();
        Thread waiter = new Thread(this::await, "corral-wait-" + pid);
        waiter.setDaemon(true);
        waiter.start();
    }

    @Override
    public long pid() {
        return pid;
    }

    /**
     * @return the container's cgroup directory (freezer v1, else cgroup2); empty with a pid
     *     namespace, whose init's death kills every member
     */
    public java.util.Optional<Path> cgroup() {
        return java.util.Optional.ofNullable(cgroup).map(ContainerCgroup::path);
    }

    /** @return CPU time (user + system, microseconds) of the container's processes, once it has exited */
    public long cpuMicros() {
        Processes.Exit u = usage;
        return u == null ? 0 : u.userMicros() + u.systemMicros();
    }

    @Override
    public void start() {
        release(true);
    }

    @Override
    public void abort() {
        release(false);
        signal(Signals.SIGKILL);
        awaitExit();
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    @Override
    public void signal(int signal) {
        synchronized (this) {
            if (exited) {
                return;
            }
            try {
                Signals.kill(pid, signal);
            } catch (NativeException e) {
                LOG.log(System.Logger.Level.WARNING, "Failed to signal container init: " + e.getMessage());
            }
        }
    }

    @Override
    public void destroy(Duration grace) {
        boolean held;
        synchronized (this) {
            held = goFd >= 0;
        }
        if (held) {
            abort();
            return;
        }
        if (!grace.isZero() && !grace.isNegative()) {
            signal(Signals.SIGTERM); // the init forwards it to the task
            try {
                exit.get(grace.toNanos(), TimeUnit.NANOSECONDS);
                return;
            } catch (TimeoutException e) {
                // fall through to SIGKILL
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                return;
            }
        }
        // a pid namespace dies with its init; without one, the cgroup finds every process
        if (pidNamespace) {
            signal(Signals.SIGKILL);
        } else {
            killCgroup();
        }
        awaitExit();
    }

    private synchronized void release(boolean go) {
        if (goFd < 0) {
            return;
        }
        try {
            if (go) {
                Spawn.write(goFd, "go\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (NativeException e) {
            LOG.log(System.Logger.Level.WARNING, "Failed to start container init " + pid + ": " + e.getMessage());
        } finally {
            try {
                Spawn.close(goFd);
            } catch (NativeException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
            }
            goFd = -1;
        }
    }

    private void awaitExit() {
        boolean interrupted = false;
        while (true) {
            try {
                exit.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void killCgroup() {
        if (cgroup == null) {
            return;
        }
        try {
            cgroup.killAll();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Failed to kill container cgroup '" + cgroup.path() + "': " + e);
        }
    }

    private void await() {
        try {
            Processes.waitid_exited_nowait(pid);
            synchronized (this) {
                exited = true;
            }
            Processes.Exit result = Processes.wait4(pid);
            usage = result;
            release(false);
            int status = result.status();
            if (!pidNamespace) {
                // the task is gone; what it left running in its cgroup goes too (as Mesos destroys)
                killCgroup();
                writeExitStatus(status);
            }
            if (cgroup != null) {
                LinuxLauncher.removeQuietly(cgroup);
            }
            exit.complete(status);
        } catch (NativeException | RuntimeException e) {
            exit.completeExceptionally(e);
        }
    }

    private void writeExitStatus(int status) {
        if (exitStatusFile == null) {
            return;
        }
        // what the supervisor records with a pid namespace: the shell's $?
        int code = WaitStatus.shellStatus(status);
        Path temporary = exitStatusFile.resolveSibling(exitStatusFile.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, code + "\n");
            Files.move(temporary, exitStatusFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Failed to write exit status file '" + exitStatusFile + "': " + e);
        }
    }
}
