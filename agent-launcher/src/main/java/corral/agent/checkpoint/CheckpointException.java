package corral.agent.checkpoint;

/** A checkpoint could not be written or removed; the message names the path and the reason. */
public final class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, with the path
     * @param cause the underlying failure
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
