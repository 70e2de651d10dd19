package corral.agent.containerizer;

import corral.agent.launcher.WaitStatus;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.TaskState;
import corral.isolator.spi.mesos.TaskStatus;
import corral.isolator.spi.mesos.slave.ContainerLimitation;
import java.util.Optional;

/**
 * How a container ended (contract section 3).
 *
 * @param containerId the container
 * @param directory the host sandbox path
 * @param state {@code TASK_FINISHED}, {@code TASK_FAILED} or {@code TASK_KILLED}
 * @param exitStatus the wait status in {@code waitpid}'s encoding (see {@link #exitCode()}), or empty
 *     when the task never ran or left no status
 * @param reason the Mesos reason, when one applies
 * @param message a message, when one applies
 * @param limitation the limitation that stopped the container, when one did
 * @param containerStatus the last container status
 * @param statistics the last usage statistics, when there were any
 */
public record FinalStatus(ContainerID containerId, String directory, TaskState state, Optional<Integer> exitStatus,
        Optional<TaskStatus.Reason> reason, Optional<String> message, Optional<ContainerLimitation> limitation,
        ContainerStatus containerStatus, Optional<ResourceStatistics> statistics) {

    /** @return the exit code, or 128 + signal when the task was killed by a signal; 1 if it never ran */
    public int exitCode() {
        if (exitStatus.isEmpty()) {
            return 1;
        }
        return WaitStatus.shellStatus(exitStatus.get());
    }
}
