package corral.agent.containerizer;

import corral.isolator.spi.mesos.TaskStatus;

/** A containerizer call failed; the message is for operators. */
public final class ContainerizerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient TaskStatus.Reason reason;

    /**
     * @param reason the Mesos reason
     * @param message what went wrong
     */
    public ContainerizerException(TaskStatus.Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** @return the Mesos reason */
    public TaskStatus.Reason reason() {
        return reason;
    }
}
