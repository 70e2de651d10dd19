package corral.isolator.cgroups;

import corral.isolator.spi.mesos.ContainerID;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where containers' cgroups live in a hierarchy, as in Mesos: {@code <root>/<containerId>} for a
 * top-level container and {@code <root>/<parent>/mesos/<child>} for a nested one, under every
 * hierarchy's mount point. Immutable and thread-safe.
 *
 * <p>A launcher's freezer cgroup on a v1 host is
 * {@code ContainerCgroups.of(settings).cgroup(hierarchies.v1("freezer").get(), id)}.
 */
public final class ContainerCgroups {

    /** What a container id must look like to become a cgroup name (Mesos's id characters). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final String NESTED = "mesos";

    private final String root;

    private ContainerCgroups(String root) {
        this.root = root;
    }

    /**
     * @param root {@code --cgroups_root}, such as {@code mesos} (leading and trailing slashes are
     *     ignored)
     * @return the scheme
     * @throws IllegalArgumentException when the root has {@code .} or {@code ..} segments
     */
    public static ContainerCgroups of(String root) {
        String trimmed = root.replaceAll("^/+|/+$", "");
        Cgroup.checkRelative(trimmed);
        return new ContainerCgroups(trimmed);
    }

    /**
     * @param settings the {@code corral.cgroups} settings
     * @return the scheme for {@code --cgroups_root}
     */
    public static ContainerCgroups of(CgroupsSettings settings) {
        return of(settings.root());
    }

    /** @return the root, relative to each mount point, such as {@code mesos} */
    public String root() {
        return root;
    }

    /**
     * @param containerId a container, possibly nested
     * @return its cgroup's path relative to a mount point, such as {@code mesos/c1} or
     *     {@code mesos/c1/mesos/c2}
     * @throws IllegalArgumentException when an id in the chain is not a safe cgroup name
     */
    public String relativePath(ContainerID containerId) {
        StringBuilder path = new StringBuilder();
        if (containerId.hasParent()) {
            path.append(relativePath(containerId.getParent())).append('/').append(NESTED).append('/');
        } else if (!root.isEmpty()) {
            path.append(root).append('/');
        }
        String value = containerId.getValue();
        if (!ID.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException("Invalid container id '" + value
                    + "': it must be letters, digits, '_', '-' or '.'");
        }
        return path.append(value).toString();
    }

    /**
     * @param hierarchy a mounted hierarchy
     * @param containerId a container
     * @return the container's cgroup in it (which need not exist)
     */
    public Cgroup cgroup(Hierarchy hierarchy, ContainerID containerId) {
        return hierarchy.cgroup(relativePath(containerId));
    }

    /**
     * @param hierarchy a mounted hierarchy
     * @return the root cgroup that holds the containers' cgroups (which need not exist)
     */
    public Cgroup rootCgroup(Hierarchy hierarchy) {
        return hierarchy.cgroup(root);
    }

    /**
     * Finds the top-level containers that have a cgroup in a hierarchy, for recovery: those the
     * agent does not know are orphans to destroy.
     *
     * @param hierarchy a mounted hierarchy
     * @return their ids, sorted; empty when the root cgroup does not exist
     * @throws IOException when the root cgroup cannot be listed
     */
    public List<ContainerID> containers(Hierarchy hierarchy) throws IOException {
        List<ContainerID> ids = new ArrayList<>();
        for (Cgroup child : rootCgroup(hierarchy).children()) {
            String name = child.path().getFileName().toString();
            if (ID.matcher(name).matches()) {
                ids.add(ContainerID.newBuilder().setValue(name).build());
            }
        }
        return ids;
    }
}
