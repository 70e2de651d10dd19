package corral.agent.containerizer;

import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.Resource;
import java.util.List;
import java.util.Optional;

/**
 * What to launch.
 *
 * @param containerId the new container's id
 * @param command the command
 * @param containerInfo the container info, or empty (then {@code --default_container_info} applies)
 * @param resources the resources
 * @param identity the task identity shown in {@code /state}, or empty for a standalone launch
 */
public record LaunchRequest(ContainerID containerId, CommandInfo command, Optional<ContainerInfo> containerInfo,
        List<Resource> resources, Optional<TaskIdentity> identity) {

    /** Copies the list. */
    public LaunchRequest {
        resources = List.copyOf(resources);
    }

    /**
     * Framework, executor and task ids a container was launched for.
     *
     * @param frameworkId the framework id
     * @param executorId the executor id
     * @param taskId the task id
     */
    public record TaskIdentity(String frameworkId, String executorId, String taskId) {
    }
}
