package corral.agent.containerizer;

import corral.isolator.spi.MesosJson;
import java.util.LinkedHashMap;
import java.util.Map;

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
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("container_id", ContainerIds.toString(status.containerId()));
        json.put("directory", status.directory());
        json.put("state", status.state().name());
        json.put("exit_status", status.exitStatus().orElse(null));
        json.put("exit_code", status.exitCode());
        status.reason().ifPresent(r -> json.put("reason", r.name()));
        status.message().ifPresent(m -> json.put("message", m));
        status.limitation().ifPresent(l -> json.put("limitation", l));
        json.put("container_status", status.containerStatus());
        status.statistics().ifPresent(s -> json.put("statistics", s));
        return MesosJson.write(json);
    }
}
