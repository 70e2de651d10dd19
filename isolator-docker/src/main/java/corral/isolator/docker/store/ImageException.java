package corral.isolator.docker.store;

import corral.isolator.spi.IsolatorException;

/** An image could not be found, read or trusted; the message names the image and what was wrong. */
public final class ImageException extends IsolatorException {

    private static final long serialVersionUID = 1L;

    /** @param message for operators */
    public ImageException(String message) {
        super(message);
    }

    /**
     * @param message for operators
     * @param cause the underlying failure
     */
    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
