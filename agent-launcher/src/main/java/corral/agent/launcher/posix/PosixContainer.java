package corral.agent.launcher.posix;

import corral.agent.launcher.LaunchedContainer;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A container started by {@link PosixLauncher}: a session led by the task's process.
 *
 * <p>Exit status: the JDK reports a process killed by signal N as exit value 128+N, the same value
 * as a task that calls {@code exit(128+N)}. This class maps 129..192 back to "killed by signal N"
 * (raw wait status N); a task exiting with such a code on purpose is therefore reported as killed.
 * The linux launcher, which waits on the pid itself, has no such ambiguity.
 */
final class PosixContainer implements LaunchedContainer {

    // idle reapers end after a second: an agent with no container keeps no thread for it
    private static final ExecutorService REAPERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "corral-posix-reaper");
                t.setDaemon(true);
                return t;
            });
    private static final long KILL_RETRY_MILLIS = 20;
    private static final long GRACE_POLL_MILLIS = 100;
    private static final long KILL_TIMEOUT_MILLIS = 30_000;

    private final Process process;
    private final long pid;
    private final ContainerKiller killer;
    private final CompletableFuture<Integer> exit;
    private final Object holdLock = new Object();
    private OutputStream hold;

    PosixContainer(Process process, ContainerKiller killer) {
        this.process = process;
        this.pid = process.pid();
        this.killer = killer;
        this.hold = process.getOutputStream();
        // the leader's exit ends the container: kill what it left behind in its session
        this.exit = process.onExit().thenApplyAsync(p -> {
            killRemaining();
            return rawStatus(p.exitValue());
        }, REAPERS);
    }

    /**
     * @param exitValue what {@link Process#exitValue()} returned
     * @return the raw wait status: {@code code << 8} for an exit, {@code N} for death by signal N
     */
    static int rawStatus(int exitValue) {
        if (exitValue > 128 && exitValue <= 128 + 64) {
            return exitValue - 128;
        }
        return (exitValue & 0xff) << 8;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public void start() {
        release(true);
    }

    @Override
    public void abort() {
        release(false);
        destroy(Duration.ZERO);
    }

    private void release(boolean run) {
        synchronized (holdLock) {
            if (hold == null) {
                return;
            }
            try (OutputStream out = hold) {
                if (run) {
                    out.write('\n');
                }
            } catch (IOException e) {
                // the process is already gone; its exit status tells why
            } finally {
                hold = null;
            }
        }
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    @Override
    public void signal(int signal) {
        if (process.isAlive()) {
            Signals.send(pid, signal);
        }
    }

    @Override
    public void destroy(Duration grace) {
        if (process.isAlive() || killer.anyAlive(pid)) {
            if (!grace.isZero() && !grace.isNegative()) {
                killer.signalAll(pid, Signals.SIGTERM);
                long deadline = System.nanoTime() + grace.toNanos();
                try {
                    process.onExit().get(grace.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // still running after the grace period: killed below
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // a /proc scan is costly: look for stragglers of the session only now and then
                while (System.nanoTime() < deadline && killer.anyAlive(pid)) {
                    pause(GRACE_POLL_MILLIS);
                }
            }
            killRemaining();
        }
        release(false);
        exit.join();
    }

    private void killRemaining() {
        long deadline = System.nanoTime() + KILL_TIMEOUT_MILLIS * 1_000_000;
        while (killer.signalAll(pid, Signals.SIGKILL) > 0 || process.isAlive()) {
            if (System.nanoTime() > deadline) {
                System.getLogger(PosixContainer.class.getName()).log(System.Logger.Level.WARNING,
                        "processes of the session led by " + pid + " survived SIGKILL for "
                                + KILL_TIMEOUT_MILLIS + " ms");
                return;
            }
            pause(KILL_RETRY_MILLIS);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
