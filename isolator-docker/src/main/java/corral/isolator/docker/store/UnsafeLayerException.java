package corral.isolator.docker.store;

import java.io.IOException;

/** A layer holds an entry the store will not extract; the message names the entry and why. */
final class UnsafeLayerException extends IOException {

    private static final long serialVersionUID = 1L;

    UnsafeLayerException(String message) {
        super(message);
    }
}
