package corral.agent.launcher;

import com.typesafe.config.Config;
import corral.agent.launcher.posix.PosixLauncher;

/**
 * Chooses the agent's launcher from {@code --launcher}: the one place that decides it. {@code posix}
 * is the subprocess launcher; {@code linux} (namespaces, a supervisor as PID 1, cgroup kill) is
 * chosen here too once it exists; {@code auto} picks {@code linux} where the host allows it, else
 * {@code posix}, as Mesos does.
 */
public final class Launchers {

    private static final String PATH = "corral.agent.launcher";

    private Launchers() {
    }

    /**
     * @param config the agent's resolved configuration
     * @return the launcher for every container of this agent
     * @throws IllegalArgumentException naming {@code --launcher} and its value when it cannot be used
     */
    public static Launcher select(Config config) {
        String name = config.hasPath(PATH) ? config.getString(PATH) : "auto";
        return switch (name) {
            case "auto", "posix" -> new PosixLauncher();
            case "linux" -> throw new IllegalArgumentException(
                    "Failed to create launcher: --launcher=linux is not available in this build; use --launcher=posix");
            default -> throw new IllegalArgumentException("Failed to create launcher: Unknown or unsupported launcher: "
                    + name);
        };
    }
}
