package corral.agent.launcher;

import com.typesafe.config.Config;
import corral.agent.launcher.posix.PosixLauncher;

/**
 * Chooses the agent's launcher, the one place that decides it. Today it is always the posix
 * launcher; the linux launcher (namespaces, a supervisor as PID 1, cgroup kill) is chosen here too
 * once it exists, as Mesos does: {@code linux} where it is available, else {@code posix}.
 */
public final class Launchers {

    private Launchers() {
    }

    /**
     * @param config the agent's resolved configuration
     * @return the launcher for every container of this agent
     */
    public static Launcher select(Config config) {
        String name = config.hasPath("corral.agent.launcher") ? config.getString("corral.agent.launcher") : "auto";
        if (name.equals("linux")) {
            String cgroupsRoot = config.hasPath("corral.cgroups.cgroups_root")
                    ? config.getString("corral.cgroups.cgroups_root") : "mesos";
            try {
                return new corral.agent.launcher.linux.LinuxLauncher(cgroupsRoot);
            } catch (LaunchException e) {
                throw new IllegalArgumentException("Failed to create launcher: " + e.getMessage(), e);
            }
        }
        return new PosixLauncher();
    }
}
