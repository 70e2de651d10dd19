package corral.agent.http;

import java.util.Map;

/** A request that gets an error status; the message is the plain-text body, as in Mesos. */
final class HttpError extends Exception {

    private static final long serialVersionUID = 1L;

    final int status;
    final transient Map<String, String> headers;

    HttpError(int status, String message) {
        this(status, message, Map.of());
    }

    HttpError(int status, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.headers = headers;
    }
}
