package corral.isolator.docker.store;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code corral.docker} settings, read eagerly. Immutable and thread-safe.
 *
 * @param registry {@code docker_registry}: the local directory of image archives, or empty when the
 *     setting names a remote registry (which Corral cannot pull from)
 * @param registryText the setting as given, for messages
 * @param storeDir {@code docker_store_dir}
 * @param ignoreRuntime {@code docker_ignore_runtime}
 * @param setuid {@code docker_layer_setuid}
 * @param backend {@code image_provisioner_backend}: {@code overlay}, {@code copy}, or empty for automatic
 */
public record DockerSettings(Optional<Path> registry, String registryText, Path storeDir, boolean ignoreRuntime,
        SetuidPolicy setuid, String backend) {

    /** The settings' path in the configuration. */
    public static final String PREFIX = "corral.docker";

    /**
     * @param config the agent's resolved configuration
     * @return the settings
     * @throws ConfigException.BadValue naming the key and value at fault
     */
    public static DockerSettings from(Config config) {
        Config c = config.getConfig(PREFIX);
        String registry = c.getString("docker_registry");
        Optional<Path> local = registry.startsWith("/") ? Optional.of(Path.of(registry)) : Optional.empty();
        String store = c.getString("docker_store_dir");
        if (!store.startsWith("/")) {
            throw new ConfigException.BadValue("docker_store_dir",
                    "docker_store_dir must be an absolute path, not '" + store + "'");
        }
        SetuidPolicy setuid;
        try {
            setuid = SetuidPolicy.parse(c.getString("docker_layer_setuid"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue("docker_layer_setuid", e.getMessage());
        }
        String backend = c.getString("image_provisioner_backend");
        if (!backend.isEmpty() && !backend.equals("overlay") && !backend.equals("copy")) {
            throw new ConfigException.BadValue("image_provisioner_backend",
                    "The specified provisioner backend '" + backend + "' is not supported: Not found");
        }
        return new DockerSettings(local, registry, Path.of(store), c.getBoolean("docker_ignore_runtime"), setuid, backend);
    }
}
