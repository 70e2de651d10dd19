package corral.agent.launcher.linux;

import corral.agent.launcher.LaunchException;
import corral.bindings.NativeException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs per-thread kernel state changes (namespaces, cgroups, root directory) on a new platform
 * thread that dies right after, so that no thread of the agent's own ever carries them. Nothing run
 * there may start a thread or allocate through jnr-ffi.
 */
final class ThrowawayThread {

    /** Work that may fail as a launch does. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws LaunchException, NativeException;
    }

    private ThrowawayThread() {
    }

    /**
     * @param name the thread's name
     * @param work what it does
     * @return what the work returned
     * @throws LaunchException as the work threw it
     * @throws NativeException as the work threw it
     */
    static <T> T run(String name, Work<T> work) throws LaunchException, NativeException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                outcome.set(work.run());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable e = failure.get();
        if (e == null) {
            @SuppressWarnings("unchecked")
            T result = (T) outcome.get();
            return result;
        }
        if (e instanceof LaunchException launch) {
            throw launch;
        }
        if (e instanceof NativeException nativeFailure) {
            throw nativeFailure;
        }
        throw new IllegalStateException(name + " thread failed", e);
    }
}
