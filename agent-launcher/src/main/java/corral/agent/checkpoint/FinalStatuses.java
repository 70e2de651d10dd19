package corral.agent.checkpoint;

import corral.agent.containerizer.FinalStatus;
import corral.agent.http.v1.Response;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerStatus;
import java.util.Optional;

/**
 * A {@link FinalStatus} as the {@code WaitContainer} response message: Mesos's fields plus Corral's
 * (contract section 3). The same message is the {@code termination} checkpoint.
 */
public final class FinalStatuses {

    private FinalStatuses() {
    }

    /**
     * @param status a final status
     * @return it as the {@code WAIT_CONTAINER} response body
     */
    public static Response.WaitContainer toMessage(FinalStatus status) {
        Response.WaitContainer.Builder b = Response.WaitContainer.newBuilder()
                .setContainerId(status.containerId().getValue())
                .setState(status.state())
                .setExitCode(status.exitCode())
                .setContainerStatus(status.containerStatus());
        if (status.directory() != null) {
            b.setDirectory(status.directory());
        }
        status.exitStatus().ifPresent(b::setExitStatus);
        status.reason().ifPresent(b::setReason);
        status.message().ifPresent(b::setMessage);
        status.limitation().ifPresent(b::setLimitation);
        status.statistics().ifPresent(b::setStatistics);
        return b.build();
    }

    /**
     * @param message a {@code WaitContainer} message as {@link #toMessage} writes it
     * @return the final status
     */
    public static FinalStatus fromMessage(Response.WaitContainer message) {
        ContainerID id = ContainerID.newBuilder().setValue(message.getContainerId()).build();
        ContainerStatus containerStatus = message.hasContainerStatus() ? message.getContainerStatus()
                : ContainerStatus.newBuilder().setContainerId(id).build();
        return new FinalStatus(id, message.hasDirectory() ? message.getDirectory() : null, message.getState(),
                message.hasExitStatus() ? Optional.of(message.getExitStatus()) : Optional.empty(),
                message.hasReason() ? Optional.of(message.getReason()) : Optional.empty(),
                message.hasMessage() ? Optional.of(message.getMessage()) : Optional.empty(),
                message.hasLimitation() ? Optional.of(message.getLimitation()) : Optional.empty(),
                containerStatus,
                message.hasStatistics() ? Optional.of(message.getStatistics()) : Optional.empty());
    }
}
