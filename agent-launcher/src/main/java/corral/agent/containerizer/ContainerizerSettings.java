package corral.agent.containerizer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;
import corral.isolator.spi.MesosJson;
import corral.isolator.spi.MesosValues;
import corral.isolator.spi.mesos.ContainerInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The containerizer's settings, read eagerly from {@code corral.agent}.
 *
 * @param workDir {@code --work_dir}: sandboxes live in {@code sandboxes/<container_id>} under it
 * @param runtimeDir {@code --runtime_dir}: per-container state in {@code containers/<container_id>}
 * @param sandboxDirectory {@code --sandbox_directory}: where a container with a root filesystem sees
 *     its sandbox
 * @param shutdownGracePeriod {@code --executor_shutdown_grace_period}: SIGTERM to SIGKILL on destroy
 * @param defaultContainerInfo {@code --default_container_info}, for launches without one
 * @param agentIp the address a container's status names when no isolator gives it a network
 */
public record ContainerizerSettings(Path workDir, Path runtimeDir, String sandboxDirectory,
        Duration shutdownGracePeriod, Optional<ContainerInfo> defaultContainerInfo, String agentIp) {

    private static final String PREFIX = "corral.agent.";

    /**
     * @param workDir an agent's {@code --work_dir}
     * @return the directory that holds every sandbox
     */
    public static Path sandboxes(Path workDir) {
        return workDir.resolve("sandboxes");
    }

    /**
     * @param workDir an agent's {@code --work_dir}
     * @param containerId a container id
     * @return that container's sandbox on the host
     */
    public static Path sandbox(Path workDir, String containerId) {
        return sandboxes(workDir).resolve(containerId);
    }

    /**
     * @param config the agent's resolved configuration
     * @return the settings
     * @throws ConfigException.BadValue naming the flag and value when one does not parse
     */
    public static ContainerizerSettings from(Config config) {
        return new ContainerizerSettings(
                Path.of(config.getString(PREFIX + "work_dir")),
                Path.of(config.getString(PREFIX + "runtime_dir")),
                config.getString(PREFIX + "sandbox_directory"),
                MesosValues.duration(config, PREFIX + "executor_shutdown_grace_period"),
                defaultContainerInfo(config),
                agentIp(config.getString(PREFIX + "ip")));
    }

    /**
     * The address containers are reported at when no network isolator gives them one (Mesos reports
     * the agent's): {@code --ip}, or the host's address when the agent listens on every interface.
     */
    private static String agentIp(String ip) {
        if (!ip.equals("0.0.0.0") && !ip.equals("::")) {
            return ip;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static Optional<ContainerInfo> defaultContainerInfo(Config config) {
        String path = PREFIX + "default_container_info";
        if (!config.hasPath(path)) {
            return Optional.empty();
        }
        String json = config.getValue(path).valueType() == ConfigValueType.STRING
                ? config.getString(path)
                : config.getValue(path).render(ConfigRenderOptions.concise());
        if (json.isBlank()) {
            return Optional.empty();
        }
        try {
            ContainerInfo.Builder info = MesosJson.parse(json, ContainerInfo.newBuilder());
            if (!info.hasType()) {
                info.setType(ContainerInfo.Type.MESOS);
            }
            return Optional.of(info.build());
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(path,
                    "Failed to parse '" + json + "' as a JSON ContainerInfo: " + e.getMessage());
        }
    }
}
