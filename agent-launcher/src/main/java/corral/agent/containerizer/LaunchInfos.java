package corral.agent.containerizer;

import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import java.util.List;
import java.util.TreeSet;

/** Merges the launch infos of every isolator with Mesos's rules and messages. */
public final class LaunchInfos {

    private LaunchInfos() {
    }

    /**
     * Merges in prepare order: repeated fields concatenate, single fields of a later isolator win
     * (commands included); namespaces and supplementary groups are de-duplicated.
     *
     * @param infos each isolator's contribution, in prepare order
     * @return the merged launch info
     * @throws IllegalArgumentException with Mesos's message when two contributions conflict or one
     *     sets a field no isolator may set
     */
    public static ContainerLaunchInfo merge(List<ContainerLaunchInfo> infos) {
        ContainerLaunchInfo.Builder merged = ContainerLaunchInfo.newBuilder();
        for (ContainerLaunchInfo info : infos) {
            if (info.hasRootfs()) {
                throw new IllegalArgumentException("Isolator should not specify rootfs");
            }
            if (info.hasUser()) {
                throw new IllegalArgumentException("Isolator should not specify user");
            }
            if (info.hasWorkingDirectory() && merged.hasWorkingDirectory()) {
                throw new IllegalArgumentException("Multiple isolators specify working directory");
            }
            if (info.hasEffectiveCapabilities() && merged.hasEffectiveCapabilities()) {
                throw new IllegalArgumentException("Multiple isolators specify effective capabilities");
            }
            if (info.hasRlimits() && merged.hasRlimits()) {
                throw new IllegalArgumentException("Multiple isolators specify rlimits");
            }
            if (info.hasTtySlavePath() && merged.hasTtySlavePath()) {
                throw new IllegalArgumentException("Multiple isolators specify tty");
            }
            merged.mergeFrom(info);
        }
        List<Integer> enter = List.copyOf(new TreeSet<>(merged.getEnterNamespacesList()));
        List<Integer> clone = List.copyOf(new TreeSet<>(merged.getCloneNamespacesList()));
        List<Integer> groups = List.copyOf(new TreeSet<>(merged.getSupplementaryGroupsList()));
        return merged.clearEnterNamespaces().addAllEnterNamespaces(enter)
                .clearCloneNamespaces().addAllCloneNamespaces(clone)
                .clearSupplementaryGroups().addAllSupplementaryGroups(groups)
                .build();
    }
}
