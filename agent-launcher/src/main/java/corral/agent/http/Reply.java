package corral.agent.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An HTTP answer.
 *
 * @param status the status code
 * @param contentType the body's type, or null for no body
 * @param body the body
 * @param headers extra headers
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

    static Reply empty(int status) {
        return new Reply(status, null, new byte[0], Map.of());
    }

    static Reply text(int status, String text) {
        return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Reply json(String json) {
        return new Reply(200, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Reply of(HttpError e) {
        return new Reply(e.status, "text/plain; charset=utf-8", e.getMessage().getBytes(StandardCharsets.UTF_8),
                e.headers);
    }
}
