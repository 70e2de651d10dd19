package corral.isolator.namespaces.linuxfs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * The settings {@code filesystem/linux} reads, eagerly. Immutable and thread-safe.
 *
 * @param sandboxDirectory the agent's {@code corral.agent.sandbox_directory} ({@code --sandbox_directory}):
 *     where a container with an image sees its sandbox (and the value of its {@code MESOS_SANDBOX})
 */
public record LinuxFilesystemSettings(String sandboxDirectory) {

    /** The path of the setting in the configuration. */
    public static final String SANDBOX_DIRECTORY = "corral.agent.sandbox_directory";

    /**
     * @param config the agent's resolved configuration
     * @return the settings
     * @throws ConfigException.BadValue for a relative path or one with {@code ..}
     */
    public static LinuxFilesystemSettings from(Config config) {
        String dir = config.getString(SANDBOX_DIRECTORY);
        if (!dir.startsWith("/") || dir.equals("/") || ("/" + dir + "/").contains("/../")) {
            throw new ConfigException.BadValue(config.origin(), SANDBOX_DIRECTORY,
                    "sandbox_directory must be an absolute path below '/' without '..', not '" + dir + "'");
        }
        return new LinuxFilesystemSettings(dir);
    }
}
