package corral.isolator.namespaces.shared;

import corral.bindings.FileModes;
import corral.bindings.NativeException;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.MountFlags;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.Volume;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mesos's {@code filesystem/shared}, corrected: a volume's mode is enforced ({@code RO} volumes are
 * read-only), paths overlap by components rather than by string prefix, {@code .} and {@code ..}
 * are refused, relative host paths cannot escape the sandbox through symlinks, and every volume is
 * checked before anything is created. Stateless, thread-safe.
 */
final class SharedFilesystemIsolator implements Isolator {

    private static final int BIND = MountFlags.MS_BIND | MountFlags.MS_REC;
    private static final int READ_ONLY = MountFlags.MS_RDONLY | MountFlags.MS_NOSUID | MountFlags.MS_NODEV;

    /** One volume, checked: the host directory to bind, made under the sandbox when relative. */
    private record Planned(Path hostPath, Path containerPath, boolean underSandbox, boolean readOnly) {
    }

    @Override
    public boolean supportsNesting() {
        return false; // as Mesos
    }

    @Override
    public boolean supportsStandalone() {
        return false; // as Mesos
    }

    @Override
    public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        ContainerInfo container = config.hasContainerInfo() ? config.getContainerInfo()
                : config.hasExecutorInfo() && config.getExecutorInfo().hasContainer()
                        ? config.getExecutorInfo().getContainer() : null;
        if (container == null) {
            return Optional.empty();
        }
        if (container.getType() != ContainerInfo.Type.MESOS) {
            throw new IsolatorException("Can only prepare filesystem for a MESOS container");
        }
        Path sandbox = Path.of(config.getDirectory());
        List<Path> taken = new ArrayList<>(List.of(sandbox));
        List<Planned> planned = new ArrayList<>();
        for (Volume volume : container.getVolumesList()) {
            planned.add(plan(volume, sandbox, taken));
        }
        ContainerLaunchInfo.Builder info = ContainerLaunchInfo.newBuilder()
                .addCloneNamespaces(LinuxNamespaces.CLONE_NEWNS);
        for (Planned volume : planned) {
            if (volume.underSandbox()) {
                create(volume, sandbox);
            }
            info.addMounts(ContainerMountInfo.newBuilder()
                    .setSource(volume.hostPath().toString())
                    .setTarget(volume.containerPath().toString())
                    .setFlags(volume.readOnly() ? BIND | READ_ONLY : BIND));
        }
        return Optional.of(info.build());
    }

    private static Planned plan(Volume volume, Path sandbox, List<Path> taken) {
        String cp = volume.getContainerPath();
        if (!cp.startsWith("/") || hasDotComponent(cp)) {
            throw new IsolatorException("Volume with container path '" + cp
                    + "' must be an absolute path without '.' or '..' components");
        }
        Path containerPath = Path.of(cp);
        if (!Files.exists(containerPath)) {
            throw new IsolatorException("Volume with container path '" + cp
                    + "' must exist on host for shared filesystem isolator");
        }
        if (!volume.hasHostPath()) {
            throw new IsolatorException("Volume with container path '" + cp
                    + "' must specify host path for shared filesystem isolator");
        }
        for (Path t : taken) {
            if (containerPath.startsWith(t)) {
                throw new IsolatorException("Cannot mount volume to '" + cp + "' because it is under volume '" + t + "'");
            }
            if (t.startsWith(containerPath)) {
                throw new IsolatorException("Cannot mount volume to '" + t + "' because it is under volume '" + cp + "'");
            }
        }
        taken.add(containerPath);
        boolean readOnly = volume.getMode() == Volume.Mode.RO;
        String hp = volume.getHostPath();
        if (!hp.startsWith("/")) {
            Path joined = sandbox.resolve(hp);
            if (hp.isEmpty() || hasDotComponent(hp)) {
                throw new IsolatorException("Relative host path '" + joined + "' cannot contain relative components");
            }
            return new Planned(joined, containerPath, true, readOnly);
        }
        if (hasDotComponent(hp)) {
            throw new IsolatorException("Volume with container path '" + cp + "' has host path '" + hp
                    + "' with '.' or '..' components");
        }
        if (!Files.exists(Path.of(hp))) {
            throw new IsolatorException("Volume with container path '" + cp + "' must have host path '" + hp
                    + "' present on host for shared filesystem isolator");
        }
        return new Planned(Path.of(hp), containerPath, false, readOnly);
    }

    /**
     * Makes a relative host path under the sandbox, with the mode (sticky and set-group-id bits
     * included) and owner of the container path it will cover.
     */
    private static void create(Planned volume, Path sandbox) {
        Path path = volume.hostPath();
        try {
            Path realSandbox = sandbox.toRealPath();
            // an existing component may be a symlink the task planted: never follow it out of the sandbox
            for (Path p = path; p != null && p.startsWith(sandbox) && !p.equals(sandbox); p = p.getParent()) {
                if (Files.isSymbolicLink(p)) {
                    throw new IsolatorException("Relative host path '" + path + "' must not contain a symlink ('" + p + "')");
                }
            }
            Files.createDirectories(path);
            if (!path.toRealPath().startsWith(realSandbox)) {
                throw new IsolatorException("Relative host path '" + path + "' must stay inside the sandbox");
            }
        } catch (IOException e) {
            throw new IsolatorException("Failed to create host_path '" + path + "' for mount to '"
                    + volume.containerPath() + "': " + e.getMessage(), e);
        }
        int mode;
        int uid;
        int gid;
        try {
            mode = (Integer) Files.getAttribute(volume.containerPath(), "unix:mode");
            uid = (Integer) Files.getAttribute(volume.containerPath(), "unix:uid");
            gid = (Integer) Files.getAttribute(volume.containerPath(), "unix:gid");
        } catch (IOException e) {
            throw new IsolatorException("Failed to get permissions on '" + volume.containerPath() + "': "
                    + e.getMessage(), e);
        }
        try {
            FileModes.chmod(path.toString(), mode & 07777);
        } catch (NativeException e) {
            throw new IsolatorException("Failed to chmod hostPath '" + path + "': " + e.errno(), e);
        }
        try {
            FileModes.lchown(path.toString(), uid, gid);
        } catch (NativeException e) {
            throw new IsolatorException("Failed to chown hostPath '" + path + "': " + e.errno(), e);
        }
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IsolatorException("Relative host path '" + path + "' is not a directory");
        }
    }

    static boolean hasDotComponent(String path) {
        for (String part : path.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
