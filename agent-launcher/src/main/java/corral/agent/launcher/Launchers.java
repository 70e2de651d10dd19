package corral.agent.launcher;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import corral.agent.launcher.linux.LinuxLauncher;
import corral.agent.launcher.posix.PosixLauncher;
import corral.bindings.NativeException;
import corral.isolator.cgroups.CgroupsSettings;
import corral.isolator.cgroups.Hierarchies;
import corral.isolator.cgroups.Hierarchy;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Chooses the agent's launcher, the one place that decides it, as Mesos's {@code --launcher}:
 * {@code linux} (namespaces, a supervisor as PID 1, cgroup kill) when the agent runs as root,
 * else {@code posix}.
 */
public final class Launchers {

    private static final System.Logger LOG = System.getLogger(Launchers.class.getName());
    private static final String FLAG = "corral.agent.launcher";

    private Launchers() {
    }

    /**
     * @param config the agent's resolved configuration
     * @return the launcher for every container of this agent
     * @throws ConfigException.BadValue if {@code --launcher} is unknown, or is {@code linux} on a
     *     host that cannot run it
     */
    public static Launcher select(Config config) {
        String choice = config.getString(FLAG);
        switch (choice) {
            case "posix":
                return new PosixLauncher();
            case "linux":
                if (!LinuxLauncher.available()) {
                    throw new ConfigException.BadValue(FLAG, "The linux launcher requires root privileges");
                }
                try {
                    return linux(config);
                } catch (LaunchException e) {
                    throw new ConfigException.BadValue(FLAG, e.getMessage());
                }
            case "auto":
                if (!LinuxLauncher.available()) {
                    return new PosixLauncher();
                }
                try {
                    return linux(config);
                } catch (LaunchException e) {
                    LOG.log(System.Logger.Level.WARNING, "Using the posix launcher: " + e.getMessage());
                    return new PosixLauncher();
                }
            default:
                throw new ConfigException.BadValue(FLAG,
                        "Unknown launcher '" + choice + "': use auto, linux or posix");
        }
    }

    private static Launcher linux(Config config) throws LaunchException {
        return new LinuxLauncher(cgroupsRoot(config));
    }

    /**
     * Removes the agent's {@code --cgroups_root} cgroup from every hierarchy where it is empty: what a
     * stopping agent leaves behind once its containers are gone. A root that still holds containers
     * (of this agent or another) stays.
     *
     * @param config the agent's resolved configuration
     */
    public static void removeEmptyCgroupRoots(Config config) {
        String root = cgroupsRoot(config);
        if (root.isEmpty()) {
            return;
        }
        List<Hierarchy> hierarchies;
        try {
            hierarchies = Hierarchies.detect().all();
        } catch (NativeException e) {
            return; // no cgroups here: nothing was made
        }
        for (Hierarchy hierarchy : hierarchies) {
            Path dir = hierarchy.mountPoint().resolve(root);
            try {
                Files.deleteIfExists(dir); // rmdir: only an empty cgroup goes
            } catch (DirectoryNotEmptyException e) {
                // containers left running
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "Keeping cgroup '" + dir + "': " + e.getMessage());
            }
        }
    }

    /**
     * @param config the agent's resolved configuration
     * @return {@code --cgroups_root} relative to each hierarchy (no leading or trailing slash), the
     *     directory under which the launcher makes each container's cgroup
     */
    public static String cgroupsRoot(Config config) {
        return CgroupsSettings.from(config).root().replaceAll("^/+|/+$", "");
    }
}
