package corral.agent.config;

import com.typesafe.config.Config;
import corral.isolator.spi.MesosValues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The agent's own settings ({@code corral.agent} in agent-launcher's {@code reference.conf}), read
 * eagerly. Defaults live only in that file.
 *
 * @param isolation the raw {@code --isolation} value
 * @param workDir {@code --work_dir}
 * @param runtimeDir {@code --runtime_dir}
 * @param modulesDir {@code --modules_dir}, a directory of third-party isolator jars
 * @param launcher {@code --launcher}: {@code auto}, {@code linux} or {@code posix}
 * @param imageProviders {@code --image_providers}: the image types as given, trimmed, in flag order
 *     (compared without case, as Mesos does); empty when unset
 * @param defaultContainerInfo {@code --default_container_info}, JSON
 * @param executorShutdownGracePeriod {@code --executor_shutdown_grace_period}
 * @param ip {@code --ip}
 * @param port {@code --port}
 * @param authenticateHttpReadwrite {@code --authenticate_http_readwrite}
 * @param httpCredentials {@code --http_credentials}, JSON
 * @param networkCniPluginsDir {@code --network_cni_plugins_dir}
 * @param networkCniConfigDir {@code --network_cni_config_dir}
 */
public record AgentSettings(String isolation, Path workDir, Path runtimeDir, Optional<Path> modulesDir,
        String launcher, List<String> imageProviders, Optional<String> defaultContainerInfo,
        Duration executorShutdownGracePeriod, String ip, int port, boolean authenticateHttpReadwrite,
        Optional<String> httpCredentials, Optional<Path> networkCniPluginsDir, Optional<Path> networkCniConfigDir) {

    /** The configuration subtree these settings live in. */
    public static final String ROOT = "corral.agent";

    /**
     * @param config the resolved configuration
     * @return the settings
     * @throws com.typesafe.config.ConfigException naming the path when a value is missing or wrong
     */
    public static AgentSettings from(Config config) {
        Config c = config.getConfig(ROOT);
        return new AgentSettings(
                c.getString("isolation"),
                Path.of(c.getString("work_dir")),
                Path.of(c.getString("runtime_dir")),
                optional(c, "modules_dir").map(Path::of),
                c.getString("launcher"),
                imageProviders(optional(c, "image_providers").orElse("")),
                optional(c, "default_container_info"),
                MesosValues.duration(c, "executor_shutdown_grace_period"),
                c.getString("ip"),
                c.getInt("port"),
                c.getBoolean("authenticate_http_readwrite"),
                optional(c, "http_credentials"),
                optional(c, "network_cni_plugins_dir").map(Path::of),
                optional(c, "network_cni_config_dir").map(Path::of));
    }

    /**
     * @param raw a {@code --image_providers} value
     * @return its image types, trimmed, without empty items
     */
    public static List<String> imageProviders(String raw) {
        return Stream.of(raw.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    private static Optional<String> optional(Config c, String key) {
        return c.hasPath(key) ? Optional.of(c.getString(key)) : Optional.empty();
    }
}
