package corral.agent.launcher;

import com.typesafe.config.Config;
import corral.agent.launcher.linux.LinuxLauncher;
import corral.agent.launcher.posix.PosixLauncher;

/**
 * Chooses the agent's launcher from {@code --launcher}: the one place that decides it, as Mesos
 * does. {@code posix} is the subprocess launcher (no namespaces, works without root); {@code linux}
 * starts containers in their own namespaces and cgroup under {@code --cgroups_root}; {@code auto}
 * picks {@code linux} where the host allows it (root, a cgroup hierarchy, util-linux), else
 * {@code posix}.
 */
public final class Launchers {

    private static final System.Logger LOG = System.getLogger(Launchers.class.getName());
    private static final String LAUNCHER = "corral.agent.launcher";
    private static final String CGROUPS_ROOT = "corral.cgroups.cgroups_root";

    private Launchers() {
    }

    /**
     * @param config the agent's resolved configuration
     * @return the launcher for every container of this agent
     * @throws IllegalArgumentException naming {@code --launcher} and its value when it cannot be used
     */
    public static Launcher select(Config config) {
        String name = config.hasPath(LAUNCHER) ? config.getString(LAUNCHER) : "auto";
        String cgroupsRoot = config.hasPath(CGROUPS_ROOT) ? config.getString(CGROUPS_ROOT) : "mesos";
        switch (name) {
            case "posix":
                return new PosixLauncher();
            case "linux":
                try {
                    return new LinuxLauncher(cgroupsRoot);
                } catch (LaunchException e) {
                    throw new IllegalArgumentException("Failed to create launcher: --launcher=linux: " + e.getMessage(), e);
                }
            case "auto":
                if (LinuxLauncher.available()) {
                    try {
                        return new LinuxLauncher(cgroupsRoot);
                    } catch (LaunchException e) {
                        LOG.log(System.Logger.Level.WARNING, "Using the posix launcher: " + e.getMessage());
                    }
                }
                return new PosixLauncher();
            default:
                throw new IllegalArgumentException("Failed to create launcher: Unknown or unsupported launcher: " + name);
        }
    }
}
