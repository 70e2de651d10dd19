package corral.agent.containerizer;

import corral.isolator.spi.MesosJson;

/**
 * Writes a {@link FinalStatus} as the JSON object of contract section 3: protobuf field names in
 * snake_case, enums by name, {@code container_id} as a plain string, nested messages as Mesos JSON.
 * {@code exit_status} is {@code null} when the task never ran.
 */
public final class FinalStatusJson {

    private FinalStatusJson() {
    }

    /**
     * @param status a final status
     * @return its JSON, one object on one line
     */
    public static String write(FinalStatus status) {
        StringBuilder json = new StringBuilder("{");
        field(json, "container_id", quote(ContainerIds.toString(status.containerId())));
        field(json, "directory", quote(status.directory()));
        field(json, "state", quote(status.state().name()));
        field(json, "exit_status", status.exitStatus().map(String::valueOf).orElse("null"));
        field(json, "exit_code", String.valueOf(status.exitCode()));
        status.reason().ifPresent(r -> field(json, "reason", quote(r.name())));
        status.message().ifPresent(m -> field(json, "message", quote(m)));
        status.limitation().ifPresent(l -> field(json, "limitation", MesosJson.print(l)));
        field(json, "container_status", MesosJson.print(status.containerStatus()));
        status.statistics().ifPresent(s -> field(json, "statistics", MesosJson.print(s)));
        return json.append('}').toString();
    }

    private static void field(StringBuilder json, String name, String value) {
        if (json.length() > 1) {
            json.append(',');
        }
        json.append(quote(name)).append(':').append(value);
    }

    /**
     * @param text any text
     * @return it as a JSON string literal
     */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
