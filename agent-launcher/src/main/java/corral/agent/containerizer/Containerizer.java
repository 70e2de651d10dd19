package corral.agent.containerizer;

import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.ResourceStatistics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs containers through the isolator lifecycle: the API the CLI, the HTTP API and embedding
 * agents use. Thread-safe.
 */
public interface Containerizer extends AutoCloseable {

    /**
     * Launches a container and returns once its task runs. A failure leaves nothing behind but the
     * sandbox with its logs, and is reported by {@link #wait} as well.
     *
     * @param request what to launch
     * @throws ContainerizerException with {@code REASON_CONTAINER_LAUNCH_FAILED} when the launch
     *     fails, or for an id already in use
     */
    void launch(LaunchRequest request);

    /**
     * @param containerId a container
     * @return completes with the final status once the container has terminated and been cleaned up;
     *     empty for an unknown container
     */
    Optional<CompletableFuture<FinalStatus>> wait(ContainerID containerId);

    /**
     * Sends a signal to a running container's task; SIGKILL destroys the whole container.
     *
     * @param containerId a container
     * @param signal the signal number
     * @return false for an unknown container
     */
    boolean kill(ContainerID containerId, int signal);

    /**
     * Destroys a container: graceful stop, then kill, then cleanup in reverse order.
     *
     * @param containerId a container
     * @return false for an unknown container
     */
    boolean destroy(ContainerID containerId);

    /**
     * Forgets a terminated container and removes its sandbox and runtime state.
     *
     * @param containerId a container
     * @return false for an unknown container
     * @throws ContainerizerException when the container is still running
     */
    boolean remove(ContainerID containerId);

    /** @return the ids of every known container, running or terminated */
    List<ContainerID> containers();

    /**
     * @param containerId a running container
     * @return its merged usage statistics with {@code timestamp} and limits; empty when unknown
     */
    Optional<ResourceStatistics> usage(ContainerID containerId);

    /**
     * @param containerId a container
     * @return its merged status; empty when unknown
     */
    Optional<ContainerStatus> status(ContainerID containerId);

    /**
     * @return agent-wide gauges of the containerizer's own parts (the image provisioners'), for
     *     {@code /metrics/snapshot}; read on each request, cheap, never blocking
     */
    default Map<String, Double> metrics() {
        return Map.of();
    }

    /** Destroys nothing; stops background work. Containers keep running. */
    @Override
    void close();
}
