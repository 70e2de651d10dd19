package corral.agent.checkpoint;

import corral.bindings.Mountinfo;
import corral.bindings.Mounts;
import corral.bindings.NativeException;
import corral.isolator.cgroups.Cgroup;
import corral.isolator.cgroups.Hierarchies;
import corral.isolator.cgroups.Hierarchy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a dead container can leave on the host besides its checkpoint: cgroups named after it under
 * {@code --cgroups_root} in every mounted hierarchy (v1 and v2), and mounts under its sandbox or
 * runtime directory. Found from {@code /proc/self/mountinfo}; removed with their processes killed.
 * The cgroup work is the shared cgroups library's; this class only says which cgroups.
 */
public final class HostLeftovers {

    private static final System.Logger LOG = System.getLogger(HostLeftovers.class.getName());

    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    /** Looks at the host's own mount table and cgroup hierarchies. */
    public HostLeftovers() {
    }

    /**
     * @param cgroupsRoot the {@code --cgroups_root} name, relative to each hierarchy
     * @return the names of the container cgroups under it, in every hierarchy
     */
    public Set<String> containerCgroups(String cgroupsRoot) {
        Set<String> names = new TreeSet<>();
        for (Cgroup root : cgroups(cgroupsRoot)) {
            try {
                root.children().forEach(c -> names.add(c.path().getFileName().toString()));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot list " + root.path() + ": " + e.getMessage());
            }
        }
        return names;
    }

    /**
     * Kills every process in the container's cgroups and removes them, in every hierarchy (the
     * cgroups library's {@link Cgroup#destroy}).
     *
     * @param cgroupsRoot the {@code --cgroups_root} name
     * @param containerId the container id (its cgroup's name)
     * @return problems, one sentence each; empty when everything was removed
     */
    public List<String> destroyCgroups(String cgroupsRoot, String containerId) {
        List<String> problems = new ArrayList<>();
        for (Cgroup cgroup : cgroups(cgroupsRoot + "/" + containerId)) {
            try {
                cgroup.destroy(KILL_TIMEOUT);
            } catch (IOException e) {
                problems.add("remove cgroup " + cgroup.path() + ": " + e);
            }
        }
        return problems;
    }

    /**
     * Detaches every mount at or below the given directories, deepest first ({@code umount2} with
     * {@code MNT_DETACH}, as Mesos detaches a dead container's mounts).
     *
     * @param roots directories such as a dead container's sandbox and runtime directory
     * @return problems, one sentence each
     */
    public List<String> unmountUnder(List<Path> roots) {
        List<String> problems = new ArrayList<>();
        List<Path> targets = mounts().stream().map(Mountinfo.Mount::mountPoint)
                .filter(m -> roots.stream().anyMatch(r -> m.startsWith(r.toAbsolutePath().normalize())))
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
        for (Path target : targets) {
            try {
                Mounts.umount2(target.toString(), Mounts.MNT_DETACH);
            } catch (NativeException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    /** @return the cgroup at this relative path in every mounted hierarchy (v1 and v2) where it exists */
    private static List<Cgroup> cgroups(String relativePath) {
        List<Cgroup> found = new ArrayList<>();
        try {
            for (Hierarchy hierarchy : Hierarchies.detect().all()) {
                Cgroup cgroup = hierarchy.cgroup(relativePath);
                if (cgroup.exists()) {
                    found.add(cgroup);
                }
            }
        } catch (NativeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the cgroup hierarchies: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage()); // a name that is no cgroup: nothing made it
        }
        return found;
    }

    private static List<Mountinfo.Mount> mounts() {
        try {
            return Mountinfo.read();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read /proc/self/mountinfo: " + e.getMessage());
            return List.of();
        }
    }
}
