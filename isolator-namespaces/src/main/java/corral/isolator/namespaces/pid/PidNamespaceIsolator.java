package corral.isolator.namespaces.pid;

import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.MountFlags;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerClass;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.util.Optional;

/**
 * Declares a new pid namespace and a {@code /proc} for it, as Mesos's {@code namespaces/pid}. The
 * launcher brings the mount namespace the {@code /proc} needs, so unlike Mesos this isolator does not
 * require {@code filesystem/linux}. Stateless, thread-safe.
 */
final class PidNamespaceIsolator implements Isolator {

    /** The proc mount Mesos declares; the Linux launcher makes it with {@code unshare --mount-proc}. */
    static final ContainerMountInfo PROC = ContainerMountInfo.newBuilder()
            .setSource("proc").setTarget("/proc").setType("proc")
            .setFlags(MountFlags.MS_NOSUID | MountFlags.MS_NODEV | MountFlags.MS_NOEXEC)
            .build();

    private final PidNamespaceSettings settings;

    PidNamespaceIsolator(PidNamespaceSettings settings) {
        this.settings = settings;
    }

    @Override
    public boolean supportsNesting() {
        return true;
    }

    @Override
    public boolean supportsStandalone() {
        return true;
    }

    @Override
    public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        boolean share = config.hasContainerInfo() && config.getContainerInfo().hasLinuxInfo()
                && config.getContainerInfo().getLinuxInfo().getSharePidNamespace();
        ContainerLaunchInfo.Builder info = ContainerLaunchInfo.newBuilder();
        if (containerId.hasParent()) {
            // a nested container starts in its parent's pid namespace
            info.addEnterNamespaces(LinuxNamespaces.CLONE_NEWPID);
            if (config.getContainerClass() == ContainerClass.DEBUG) {
                return Optional.of(info.build());
            }
        } else if (share && settings.disallowSharingAgentPidNamespace()) {
            throw new IsolatorException("Sharing agent pid namespace with top-level container is not allowed");
        }
        if (share) {
            return containerId.hasParent() ? Optional.of(info.build()) : Optional.empty();
        }
        return Optional.of(info.addCloneNamespaces(LinuxNamespaces.CLONE_NEWPID).addMounts(PROC).build());
    }
}
