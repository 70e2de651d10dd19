package corral.agent.checkpoint;

import corral.agent.containerizer.ContainerIds;
import corral.isolator.spi.mesos.ContainerID;
import java.nio.file.Path;

/**
 * Where a container's checkpoint lives: {@code <runtime_dir>/containers/<container_id>/} with
 * <ul>
 *   <li>{@code launch}: the {@code LAUNCH_CONTAINER} call as received (command, resources, container
 *       info, task identity), binary protobuf; written before anything else;
 *   <li>{@code config}: the {@code ContainerConfig} the isolators were prepared with, binary protobuf;
 *   <li>{@code launch_info}: the merged {@code ContainerLaunchInfo}, binary protobuf;
 *   <li>{@code pid}: {@code "<pid> <start time>"} of the container's first process;
 *   <li>{@code status}: the task's exit status as the shell sees it ({@code $?}), written by the container's first process
 *       itself when the task ends, so that it survives the agent;
 *   <li>{@code termination}: the final status once the agent saw the end (a {@code WaitContainer}
 *       response, binary protobuf).
 * </ul>
 *
 * @param runtimeDir the agent's {@code --runtime_dir}
 */
public record CheckpointLayout(Path runtimeDir) {

    /** File names inside a container's directory. */
    public static final String LAUNCH = "launch";
    /** @see #LAUNCH */
    public static final String CONFIG = "config";
    /** @see #LAUNCH */
    public static final String LAUNCH_INFO = "launch_info";
    /** @see #LAUNCH */
    public static final String PID = "pid";
    /** @see #LAUNCH */
    public static final String STATUS = "status";
    /** @see #LAUNCH */
    public static final String TERMINATION = "termination";

    /** @return {@code <runtime_dir>/containers} */
    public Path containersDir() {
        return runtimeDir.resolve("containers");
    }

    /**
     * @param containerId a top-level container
     * @return its checkpoint directory
     * @throws IllegalArgumentException when the id cannot name a directory
     */
    public Path containerDir(ContainerID containerId) {
        String problem = idProblem(containerId.getValue());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return containersDir().resolve(containerId.getValue());
    }

    /**
     * @param containerId a container
     * @return where its first process records the task's exit status (the shell's {@code $?}) ({@code LaunchSpec.exitStatusFile})
     */
    public Path exitStatusFile(ContainerID containerId) {
        return containerDir(containerId).resolve(STATUS);
    }

    /**
     * Mesos's rule for container ids, the containerizer's ({@code ContainerIds}): they name
     * directories, so only {@code A-Z a-z 0-9 - _ .}, not empty, and {@code .} and {@code ..} are
     * reserved.
     *
     * @param value a container id value
     * @return why it is not a valid id, or {@code null} when it is
     */
    public static String idProblem(String value) {
        if (value == null || value.isEmpty()) {
            return "'ContainerID.value' must not be empty";
        }
        if (value.equals(".") || value.equals("..")) {
            return "'ContainerID.value' '" + value + "' is reserved";
        }
        // the containerizer's rule (ContainerIds), in the words of Mesos's HTTP validation
        if (!ContainerIds.hasOnlyAllowedCharacters(value)) {
            return "'ContainerID.value' '" + value + "' contains invalid characters";
        }
        if (value.length() > ContainerIds.MAX_LENGTH) {
            return "'ContainerID.value' is longer than " + ContainerIds.MAX_LENGTH + " characters";
        }
        return null;
    }
}
