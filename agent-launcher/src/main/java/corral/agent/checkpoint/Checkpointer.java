package corral.agent.checkpoint;

import corral.agent.containerizer.FinalStatus;
import corral.agent.http.v1.Call;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a container's checkpoint as it goes through its life (layout in {@link CheckpointLayout}).
 * The containerizer calls it at each step; every write is atomic. Thread-safe.
 */
public final class Checkpointer {

    private final CheckpointLayout layout;

    /** @param layout where checkpoints go */
    public Checkpointer(CheckpointLayout layout) {
        this.layout = layout;
    }

    /** @return where checkpoints go */
    public CheckpointLayout layout() {
        return layout;
    }

    /**
     * @param containerId a container
     * @return where its first process records the task's exit status (the shell's {@code $?})
     */
    public Path exitStatusFile(ContainerID containerId) {
        return layout.exitStatusFile(containerId);
    }

    /**
     * @param containerId the container
     * @param launch the operator's launch call, with the task identity
     */
    public void launch(ContainerID containerId, Call.LaunchContainer launch) {
        write(containerId, CheckpointLayout.LAUNCH, launch.toByteArray());
    }

    /**
     * @param containerId the container
     * @param config what its isolators are prepared with; written before the first {@code prepare}
     */
    public void config(ContainerID containerId, ContainerConfig config) {
        write(containerId, CheckpointLayout.CONFIG, config.toByteArray());
    }

    /**
     * @param containerId the container
     * @param launchInfo the merged launch info; written before the container is started
     */
    public void launchInfo(ContainerID containerId, ContainerLaunchInfo launchInfo) {
        write(containerId, CheckpointLayout.LAUNCH_INFO, launchInfo.toByteArray());
    }

    /**
     * Records the container's first process with its start time; written as soon as the launcher
     * returns its pid, before any {@code isolate}.
     *
     * @param containerId the container
     * @param pid the host pid of its first process
     * @throws CheckpointException when the process is already gone (nothing can be recovered then)
     */
    public void pid(ContainerID containerId, long pid) {
        ProcessIdentity process = ProcessIdentity.of(pid).orElseThrow(() -> new CheckpointException(
                "checkpoint pid of container " + containerId.getValue() + ": process " + pid + " does not exist", null));
        write(containerId, CheckpointLayout.PID, (process.format() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Records the final status, so that it can be waited for after a restart until the container is
     * removed.
     *
     * @param status the container's final status, once it is cleaned up
     */
    public void terminated(FinalStatus status) {
        write(status.containerId(), CheckpointLayout.TERMINATION, FinalStatuses.toMessage(status).toByteArray());
    }

    /**
     * Removes the container's checkpoint directory; nothing happens for an unknown container.
     *
     * @param containerId the container
     */
    public void remove(ContainerID containerId) {
        Path dir = layout.containerDir(containerId);
        try {
            FileTrees.delete(dir);
            if (Files.isDirectory(layout.containersDir())) {
                AtomicFiles.syncDirectory(layout.containersDir());
            }
        } catch (IOException e) {
            throw new CheckpointException("remove " + dir + ": " + e.getMessage(), e);
        }
    }

    private void write(ContainerID containerId, String name, byte[] content) {
        Path file = layout.containerDir(containerId).resolve(name);
        try {
            AtomicFiles.write(file, content);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + file + ": " + e, e);
        }
    }
}
