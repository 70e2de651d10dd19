package corral.isolator.spi;

/**
 * An isolator could not do what was asked. The message is shown to operators as is (for example in
 * a failed launch's status), so it must be a complete sentence naming the field and value at fault.
 */
public class IsolatorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for operators; not {@code null} */
    public IsolatorException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, for operators; not {@code null}
     * @param cause the underlying failure, or {@code null}
     */
    public IsolatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
