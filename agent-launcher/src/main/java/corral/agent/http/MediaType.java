package corral.agent.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The two body formats of the operator API, and the negotiation of {@code Content-Type} and {@code Accept}. */
enum MediaType {
    JSON("application/json"),
    PROTOBUF("application/x-protobuf");

    final String value;

    MediaType(String value) {
        this.value = value;
    }

    /**
     * @param contentType a {@code Content-Type} header
     * @return the body format
     * @throws HttpError 400 when absent, 415 when neither JSON nor protobuf
     */
    static MediaType ofContentType(String contentType) throws HttpError {
        if (contentType == null || contentType.isBlank()) {
            throw new HttpError(400, "Expecting 'Content-Type' to be present");
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (MediaType m : values()) {
            if (m.value.equals(type)) {
                return m;
            }
        }
        throw new HttpError(415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
    }

    /**
     * Picks the response format from {@code Accept} (q-values honoured; JSON preferred on a tie and
     * when there is no header, as Mesos).
     *
     * @param accept an {@code Accept} header, possibly null
     * @return the response format
     * @throws HttpError 406 when neither format is acceptable
     */
    static MediaType ofAccept(String accept) throws HttpError {
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        record Range(String type, double q, int order) {
        }
        List<Range> ranges = new ArrayList<>();
        String[] parts = accept.split(",");
        for (int i = 0; i < parts.length; i++) {
            String[] params = parts[i].split(";");
            double q = 1.0;
            for (int j = 1; j < params.length; j++) {
                String p = params[j].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            ranges.add(new Range(params[0].trim().toLowerCase(Locale.ROOT), q, i));
        }
        ranges.sort(Comparator.comparingDouble((Range r) -> -r.q()).thenComparingInt(Range::order));
        for (Range r : ranges) {
            if (r.q() <= 0) {
                continue;
            }
            if (r.type().equals("*/*") || r.type().equals("application/*") || r.type().equals(JSON.value)) {
                return JSON;
            }
            if (r.type().equals(PROTOBUF.value)) {
                return PROTOBUF;
            }
        }
        throw new HttpError(406, "Expecting 'Accept' to allow application/json or application/x-protobuf");
    }
}
