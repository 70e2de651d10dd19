package corral.agent.launcher;

/** A container could not be started; the message is for operators and names what was wrong. */
public final class LaunchException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public LaunchException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
