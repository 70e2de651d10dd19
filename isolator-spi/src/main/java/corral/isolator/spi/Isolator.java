package corral.isolator.spi;

import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.Value;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerLimitation;
import corral.isolator.spi.mesos.slave.ContainerState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One isolator of one agent: the lifecycle of Mesos's {@code Isolator}, with every method a no-op by
 * default so that an isolator overrides only what it needs.
 *
 * <p><b>Declare, don't do.</b> An isolator never forks, enters namespaces or mounts inside a
 * container: it declares what the container needs in the {@link ContainerLaunchInfo} that
 * {@link #prepare} returns, and the agent's launcher does it, in one place.
 *
 * <p><b>Order.</b> {@link #prepare} is called for one container on each isolator in turn, in the
 * agent's fixed order (built-ins in Mesos's table order, then plugins in {@code --isolation} order);
 * {@link #isolate} on every isolator while the container waits before its command is exec'd;
 * {@link #cleanup} in reverse order, on every isolator even if another one failed.
 *
 * <p><b>Threads.</b> Methods may block and may be called concurrently for different containers;
 * implementations must be thread-safe. Calls for one container never overlap, except
 * {@link #usage} and {@link #status}, which may come at any time between {@link #prepare} and
 * {@link #cleanup}.
 *
 * <p><b>Errors.</b> A method that cannot do its job throws {@link IsolatorException} with a message
 * for the operator; a failure in {@link #prepare} or {@link #isolate} fails the launch with
 * {@code REASON_CONTAINER_LAUNCH_FAILED}.
 *
 * <p>Unless stated otherwise, parameters and return values are never {@code null}.
 */
public interface Isolator {

    /**
     * @return whether this isolator is called for nested containers (those whose {@link ContainerID}
     *     has a parent); {@code false} by default, as in Mesos
     */
    default boolean supportsNesting() {
        return false;
    }

    /**
     * @return whether this isolator is called for standalone containers (launched without task or
     *     executor identity through the operator API); {@code false} by default, as in Mesos.
     *     Containers started by {@code bin/agent run} are ordinary top-level containers.
     */
    default boolean supportsStandalone() {
        return false;
    }

    /**
     * Rebuilds in-memory state after an agent restart. Called once, before any other method.
     *
     * @param states the containers the agent keeps (still running)
     * @param orphans containers the agent found but will destroy right after recovery; their
     *     {@link #cleanup} follows
     */
    default void recover(List<ContainerState> states, Set<ContainerID> orphans) {
    }

    /**
     * Prepares a container before it is started and declares what its launch needs.
     *
     * @param containerId the container
     * @param config what is launched: command, container info, resources, sandbox directory
     * @return this isolator's contribution to the launch (namespaces, mounts, environment,
     *     capabilities, working directory, command), or empty for none
     */
    default Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        return Optional.empty();
    }

    /**
     * Isolates the started container. The container's first process exists but has not exec'd the
     * task's command yet; it waits until every isolator's {@code isolate} has returned.
     *
     * @param containerId the container
     * @param pid the host pid of the container's first process
     */
    default void isolate(ContainerID containerId, long pid) {
    }

    /**
     * Watches the container for a limitation. When the returned stage completes, the agent
     * destroys the container and reports the limitation in its final status; the default never
     * completes.
     *
     * @param containerId the container
     * @return a stage that completes when the container must be stopped
     */
    default CompletionStage<ContainerLimitation> watch(ContainerID containerId) {
        return new CompletableFuture<>();
    }

    /**
     * Applies the container's resources: called after {@link #isolate} and whenever they change.
     *
     * @param containerId the container
     * @param resources the container's total resource requests
     * @param limits resource limits by resource name, possibly empty
     */
    default void update(ContainerID containerId, List<Resource> resources, Map<String, Value.Scalar> limits) {
    }

    /**
     * Adds this isolator's usage figures to the container's statistics. The agent sets
     * {@code timestamp} and the limits derived from resources; statistics of all isolators are
     * merged.
     *
     * @param containerId the container
     * @param statistics the builder to add figures to
     */
    default void usage(ContainerID containerId, ResourceStatistics.Builder statistics) {
    }

    /**
     * Adds this isolator's part of the container's status (for example
     * {@code cgroup_info.net_cls.classid}). Statuses of all isolators are merged.
     *
     * @param containerId the container
     * @param status the builder to add to
     */
    default void status(ContainerID containerId, ContainerStatus.Builder status) {
    }

    /**
     * Agent-wide gauges this isolator publishes in {@code /metrics/snapshot} (and {@code /metrics}),
     * keyed by their Mesos names, such as {@code containerizer/mesos/disk/project_ids_free}. Read
     * afresh on each request, at any time and concurrently with every other method, so it must be
     * cheap and must not block; empty by default.
     *
     * @return metric name to value
     */
    default Map<String, Double> metrics() {
        return Map.of();
    }

    /**
     * Releases what this isolator holds for the container, after all of its processes are gone.
     * Must succeed, as a no-op, for a container this isolator never saw; called at most once per
     * container.
     *
     * @param containerId the container
     */
    default void cleanup(ContainerID containerId) {
    }
}
