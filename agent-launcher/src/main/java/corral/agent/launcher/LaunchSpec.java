package corral.agent.launcher;

import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a launcher needs to start one container, already merged and resolved.
 *
 * @param containerId the container
 * @param sandbox the host sandbox directory
 * @param launchInfo the merged launch info of every isolator (namespaces, mounts, capabilities, ...)
 * @param argv the command to exec: {@code argv[0]} is the executable (resolved against
 *     {@code PATH} of {@code environment} when it has no slash)
 * @param environment the complete environment of the command (nothing is inherited)
 * @param workingDirectory the command's working directory
 * @param user the user to run as, or {@code null} for the agent's user
 * @param stdout where the command's standard output goes
 * @param stderr where the command's standard error goes
 * @param exitStatusFile where the container's first process records the task's exit status, or
 *     {@code null}
 */
public record LaunchSpec(ContainerID containerId, Path sandbox, ContainerLaunchInfo launchInfo, List<String> argv,
        Map<String, String> environment, Path workingDirectory, String user, Path stdout, Path stderr,
        Path exitStatusFile) {

    /** Copies the collections. */
    public LaunchSpec {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }
}
