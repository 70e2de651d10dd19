package corral.agent.checkpoint;

import corral.agent.containerizer.FinalStatus;
import corral.agent.containerizer.LaunchRequest;
import corral.agent.http.v1.Call;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerState;
import java.util.Optional;

/**
 * A container found in the checkpoints at start-up.
 *
 * @param containerId the container
 * @param kind what became of it while the agent was away
 * @param launch the operator's launch call, when it came through the operator API
 * @param config the config its isolators were prepared with (present unless {@code TERMINATED})
 * @param launchInfo the merged launch info, when it was checkpointed
 * @param process its first process (present unless {@code TERMINATED})
 * @param exitStatus for {@code EXITED}: the wait status {@code $? << 8}, from the {@code $?} the
 *     container's first process wrote to the status file, when it wrote one
 * @param termination for {@code TERMINATED}: the final status the agent had already reported
 */
public record RecoveredContainer(ContainerID containerId, Kind kind, Optional<Call.LaunchContainer> launch,
        Optional<ContainerConfig> config, Optional<ContainerLaunchInfo> launchInfo, Optional<ProcessIdentity> process,
        Optional<Integer> exitStatus, Optional<FinalStatus> termination) {

    /** What became of a container while the agent was away. */
    public enum Kind {
        /** Still running: re-adopt it (wait, kill, usage, status, watches). */
        RUNNING,
        /** Its first process ended while the agent was down: destroy it and report its real exit status. */
        EXITED,
        /** It had already terminated and been cleaned up; only its final status is kept, until removed. */
        TERMINATED
    }

    /** @return whether it was launched without task identity (Mesos's standalone container) */
    public boolean standalone() {
        return launch.map(l -> !l.hasFrameworkId()).orElse(false);
    }

    /** @return the task identity it was launched with, if any */
    public Optional<LaunchRequest.TaskIdentity> identity() {
        return launch.filter(Call.LaunchContainer::hasFrameworkId).map(l -> new LaunchRequest.TaskIdentity(
                l.getFrameworkId().getValue(), l.getExecutorId().getValue(), l.getTaskId().getValue()));
    }

    /**
     * @return the launch request to re-adopt it with: from the operator's launch call when there was
     *     one, else from the checkpointed config
     */
    public LaunchRequest request() {
        if (launch.isPresent()) {
            Call.LaunchContainer l = launch.get();
            return new LaunchRequest(containerId, l.getCommand(),
                    l.hasContainer() ? Optional.of(l.getContainer()) : Optional.empty(), l.getResourcesList(), identity());
        }
        ContainerConfig c = config.orElseThrow(() -> new IllegalStateException(containerId.getValue() + " has no config"));
        return new LaunchRequest(containerId, c.getCommandInfo(),
                c.hasContainerInfo() ? Optional.of(c.getContainerInfo()) : Optional.empty(), c.getResourcesList(),
                Optional.empty());
    }

    /**
     * @return what isolators receive in {@code recover} for this container
     * @throws IllegalStateException for a {@code TERMINATED} container, which isolators no longer know
     */
    public ContainerState state() {
        ContainerConfig c = config.orElseThrow(() -> new IllegalStateException(containerId.getValue() + " has no config"));
        ProcessIdentity p = process.orElseThrow(() -> new IllegalStateException(containerId.getValue() + " has no pid"));
        ContainerState.Builder state = ContainerState.newBuilder()
                .setContainerId(containerId)
                .setPid(p.pid())
                .setDirectory(c.getDirectory())
                .addAllEphemeralVolumes(c.getEphemeralVolumesList());
        if (c.hasExecutorInfo()) {
            state.setExecutorInfo(c.getExecutorInfo());
        }
        if (c.hasContainerInfo()) {
            state.setContainerInfo(c.getContainerInfo());
        }
        return state.build();
    }
}
