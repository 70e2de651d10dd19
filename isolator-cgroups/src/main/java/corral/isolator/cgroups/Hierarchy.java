package corral.isolator.cgroups;

import java.nio.file.Path;
import java.util.Set;

/**
 * One mounted cgroup hierarchy. Immutable and thread-safe.
 *
 * @param mountPoint where it is mounted, such as {@code /sys/fs/cgroup/net_cls}
 * @param version v1 or v2
 * @param controllers v1: the controllers attached (and {@code name=...} for named hierarchies),
 *     such as {@code [cpu, cpuacct]}; v2: those listed in the root's {@code cgroup.controllers}
 */
public record Hierarchy(Path mountPoint, CgroupVersion version, Set<String> controllers) {

    /** Copies the set. */
    public Hierarchy {
        controllers = Set.copyOf(controllers);
    }

    /**
     * @param relativePath a cgroup path relative to the mount point, such as {@code mesos/c1};
     *     the empty string names the root cgroup
     * @return a handle on that cgroup (which need not exist)
     * @throws IllegalArgumentException when the path is absolute or has {@code .}, {@code ..} or
     *     empty segments
     */
    public Cgroup cgroup(String relativePath) {
        return new Cgroup(this, relativePath);
    }

    /** @return whether this is the v1 hierarchy with the freezer controller */
    public boolean hasFreezer() {
        return version == CgroupVersion.V1 && controllers.contains("freezer");
    }
}
