package corral.agent.launcher.linux;

import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchedContainer;
import corral.bindings.NativeException;
import corral.bindings.Processes;
import corral.bindings.Signals;
import corral.bindings.Spawn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    private final RootfsPivot.Plan rootfs;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile Processes.Exit usage;
    private int goFd;
    private int readyFd;
    private boolean exited;

    /**
     * @param goFd the write end of the init's go pipe (its fd 3)
     * @param readyFd with a root filesystem, the read end of the pipe on which the chain says it is
     *     ready to be pivoted (its fd 4); else -1
     * @param rootfs how to pivot into the root filesystem, or {@code null} without one
     */
    LinuxContainer(long pid, int goFd, int readyFd, ContainerCgroup cgroup, boolean pidNamespace,
            RootfsPivot.Plan rootfs) {
        this.pid = pid;
        this.goFd = goFd;
        this.readyFd = readyFd;
        this.rootfs = rootfs;
        this.cgroup = cgroup;
        this.pidNamespace = pidNamespace;
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

    /**
     * Lets the task run. With a root filesystem this is where the container enters it: the first go
     * lets the init start the task's chain of host programs; once its last shell says it is ready,
     * a throwaway thread joins the container's mount namespace, {@code pivot_root}s it into the root
     * filesystem and detaches the host's tree; only then does the second go let the shell exec the
     * task inside the image. If any step fails, the chain gets EOF instead and ends without ever
     * running the task.
     */
    @Override
    public void start() throws LaunchException {
        if (rootfs == null) {
            release(true);
            return;
        }
        int go;
        int ready;
        synchronized (this) {
            if (goFd < 0) {
                return;
            }
            go = goFd; // this call owns both fds now: nothing else closes them
            ready = readyFd;
            goFd = -1;
            readyFd = -1;
        }
        try {
            Spawn.write(go, "go\n".getBytes(StandardCharsets.US_ASCII));
            byte[] signal = new byte[1];
            if (Spawn.read(ready, signal) != 1) {
                throw new LaunchException("The container ended before entering its root filesystem '" + rootfs.rootfs()
                        + "' (see its stderr)");
            }
            int namespace;
            synchronized (this) {
                if (exited) {
                    throw new LaunchException("The container ended before entering its root filesystem '" + rootfs.rootfs()
                            + "'");
                }
                // the unreaped init pins its pid: this is its namespace, and the fd keeps it alive
                namespace = Spawn.open("/proc/" + pid + "/ns/mnt", Spawn.O_RDONLY);
            }
            try {
                RootfsPivot.run(namespace, rootfs);
            } catch (LaunchException e) {
                throw new LaunchException("Failed to enter the root filesystem '" + rootfs.rootfs() + "': "
                        + e.getMessage(), e);
            } finally {
                Spawn.close(namespace);
            }
            Spawn.write(go, "go\n".getBytes(StandardCharsets.US_ASCII));
        } catch (NativeException e) {
            throw new LaunchException("Failed to enter the root filesystem '" + rootfs.rootfs() + "': " + e.getMessage(), e);
        } finally {
            closeQuietly(go);
            closeQuietly(ready);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Spawn.close(fd);
        } catch (NativeException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
        }
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
        if (readyFd >= 0) {
            closeQuietly(readyFd);
            readyFd = -1;
        }
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
            }
            if (cgroup != null) {
                LinuxLauncher.removeQuietly(cgroup);
            }
            exit.complete(status);
        } catch (NativeException | RuntimeException e) {
            exit.completeExceptionally(e);
        }
    }
}
