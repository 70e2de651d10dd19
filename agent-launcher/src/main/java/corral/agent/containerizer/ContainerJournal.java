package corral.agent.containerizer;

import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where {@link DefaultContainerizer} records each container's progress, so that an agent restart can
 * recover it (the daemon's checkpoints implement it). Every method is called on the launching or
 * destroying thread, at the step its name says; a method that throws during a launch fails the
 * launch. With {@link #NONE}, the containerizer removes {@code <runtime_dir>/containers/<id>} itself
 * once a container has terminated; with a journal, that directory is the journal's.
 */
public interface ContainerJournal {

    /** Records nothing. */
    ContainerJournal NONE = new ContainerJournal() {
    };

    /**
     * @param containerId the container
     * @param config what its isolators are prepared with; before the first {@code prepare}
     */
    default void config(ContainerID containerId, ContainerConfig config) {
    }

    /**
     * @param containerId the container
     * @param launchInfo the merged launch info; before the launcher starts the container
     */
    default void launchInfo(ContainerID containerId, ContainerLaunchInfo launchInfo) {
    }

    /**
     * @param containerId the container
     * @param pid the host pid of its first process; right after the launcher returns, before any
     *     {@code isolate}
     */
    default void pid(ContainerID containerId, long pid) {
    }

    /** @param status the container's final status, after cleanup, before {@code wait} completes */
    default void terminated(FinalStatus status) {
    }

    /** @param containerId a container that was removed */
    default void removed(ContainerID containerId) {
    }

    /**
     * @param containerId a container
     * @return where its first process should record the task's raw wait status (the launcher's
     *     {@code LaunchSpec.exitStatusFile}), or empty for the default under the runtime directory
     */
    default Optional<Path> exitStatusFile(ContainerID containerId) {
        return Optional.empty();
    }
}
