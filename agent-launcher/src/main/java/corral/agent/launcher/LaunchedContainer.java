package corral.agent.launcher;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A started container, seen from the agent. Thread-safe. */
public interface LaunchedContainer {

    /** @return the host pid of the container's first process, known exactly */
    long pid();

    /**
     * Lets the held container exec the task's command; call once, after every isolate.
     *
     * @throws LaunchException if the container could not be started as asked (it then never runs
     *     the command; destroy it)
     */
    void start() throws LaunchException;

    /** Kills the held container before its command ran (a failed isolate); waits until it is gone. */
    void abort();

    /**
     * @return completes with the wait status of the container's first process, in
     *     {@code waitpid}'s encoding ({@code code << 8} for an exit, {@code N} for death by signal N),
     *     once every process of the container is gone
     */
    CompletableFuture<Integer> exit();

    /**
     * Sends a signal to the task (through the container's init where there is one).
     *
     * @param signal the signal number
     */
    void signal(int signal);

    /**
     * Destroys the container: SIGTERM to the task, then after {@code grace} SIGKILL to every process
     * of the container. Returns once they are all gone.
     *
     * @param grace how long the task may take to stop on its own; zero kills at once
     */
    void destroy(Duration grace);
}
