package corral.agent.launcher.linux;

import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchSpec;
import corral.bindings.RootedPaths;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.MountFlags;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the linux launcher enters a container's root filesystem ({@code ContainerLaunchInfo.rootfs},
 * set by the containerizer from the provisioned image; the mounts, with targets inside it, come
 * from {@code filesystem/linux}, the first of them binding the root filesystem onto itself).
 *
 * <p>The launcher thread performs the mounts in order in the new mount namespace, creating a
 * missing target first (an empty file when a bind source is not a directory, else a directory). A
 * {@code proc} mount inside the root filesystem is left to {@code unshare --mount-proc=<rootfs>/proc}
 * so that it shows the container's pid namespace. Every host program of the container (the
 * supervisor, {@code env}, {@code setpriv}, the shell of {@link Supervisor#ENTER}) is started while
 * the namespace still has the host's root; then the agent {@code pivot_root}s the namespace into
 * the root filesystem and detaches the host's tree (see {@code LinuxContainer#start}), which moves
 * the root and directory of those processes with it, and only then lets the task be exec'd,
 * resolved in the image with the task's {@code PATH}. The user is looked up in the image's
 * {@code /etc/passwd} and {@code /etc/group} ({@link corral.agent.launcher.UserDatabase}). The working directory is created inside the root
 * filesystem (symlinks resolved inside it) when missing.
 *
 * @param rootfs the root filesystem, absolute and normalised
 * @param procTarget the {@code proc} mount point inside it, when one is declared
 * @param workingDirectory the task's working directory, a path inside the container
 */
record RootfsEntry(Path rootfs, String procTarget, String workingDirectory) {

    /**
     * @param spec the launch
     * @param flags the clone flags in force
     * @return the entry
     * @throws LaunchException naming the field and value at fault
     */
    static RootfsEntry of(LaunchSpec spec, int flags) throws LaunchException {
        ContainerLaunchInfo info = spec.launchInfo();
        String text = info.getRootfs();
        Path rootfs = Path.of(text);
        if (!rootfs.isAbsolute() || ContainerProgram.hasDotComponent(text) || !Files.isDirectory(rootfs)) {
            throw new LaunchException("Invalid launch info: 'rootfs' ('" + text
                    + "') must be an absolute path to a directory, without '.' or '..' components");
        }
        if ((flags & LinuxNamespaces.CLONE_NEWNS) == 0) {
            throw new LaunchException("Invalid launch info: 'rootfs' ('" + text
                    + "') needs a mount namespace (the filesystem/linux isolator)");
        }
        if (info.getMountsList().stream().noneMatch(m -> isSelfBind(rootfs.normalize(), m))) {
            throw new LaunchException("Invalid launch info: 'rootfs' ('" + text + "') must be bind-mounted onto itself"
                    + " (as filesystem/linux declares) so that it can become the container's root");
        }
        String procTarget = null;
        for (ContainerMountInfo mount : info.getMountsList()) {
            if (isProcInside(mount, rootfs)) {
                procTarget = mount.getTarget();
            }
        }
        String dir = spec.workingDirectory() == null ? "/" : spec.workingDirectory().toString();
        if (!dir.startsWith("/") || ContainerProgram.hasDotComponent(dir)) {
            throw new LaunchException("Invalid working directory '" + dir
                    + "': inside a root filesystem it must be an absolute path without '.' or '..' components");
        }
        Path hostDir = resolveInRoot(rootfs.normalize(), dir);
        try {
            if (procTarget != null) {
                // made by unshare --mount-proc, which needs the mount point (an image may lack /proc)
                Files.createDirectories(resolveInRoot(rootfs.normalize(), rootfs.relativize(Path.of(procTarget)).toString()));
            }
            Files.createDirectories(hostDir);
        } catch (IOException e) {
            throw new LaunchException("Failed to create the working directory '" + dir + "' in '" + text + "': " + e, e);
        }
        return new RootfsEntry(rootfs.normalize(), procTarget, dir);
    }

    /** @return whether a mount is the container's {@code proc}, inside the root filesystem */
    static boolean isProcInside(ContainerMountInfo mount, Path rootfs) {
        return "proc".equals(mount.getType()) && Path.of(mount.getTarget()).startsWith(rootfs)
                && !Path.of(mount.getTarget()).equals(rootfs);
    }

    /** @return whether a path lies inside the root filesystem, where it may only exist once mounts are made */
    boolean contains(String path) {
        return inside(rootfs, path);
    }

    /** @return the host shell that waits for the pivot, then changes directory and execs {@code task} */
    List<String> enter(List<String> task) {
        List<String> argv = new ArrayList<>(List.of(ContainerProgram.SH, "-c", Supervisor.ENTER, "sh",
                workingDirectory));
        argv.addAll(task);
        return argv;
    }

    /**
     * A mount as it is made, on the thread that makes it: a target (and a bind source) inside the
     * root filesystem resolved again inside it, now that the mounts before it are in place. A
     * directory a previous mount brought in (the sandbox, a volume) may hold symlinks that the
     * isolator could not see when it declared the mount; they are followed inside the root
     * filesystem too, never onto the host.
     *
     * @param rootfs the root filesystem
     * @param mount a declared mount
     * @return the mount to make
     * @throws LaunchException when a target other than the root filesystem's own bind resolves to
     *     the root filesystem itself (an image whose {@code /proc} is a symlink to {@code /} would
     *     otherwise get the host's proc as its root)
     */
    static ContainerMountInfo resolved(Path rootfs, ContainerMountInfo mount) throws LaunchException {
        if (isSelfBind(rootfs, mount) || !inside(rootfs, mount.getTarget())) {
            return mount;
        }
        ContainerMountInfo.Builder made = mount.toBuilder();
        Path target = resolveInRoot(rootfs, rootfs.relativize(Path.of(mount.getTarget()).normalize()).toString());
        if (target.equals(rootfs)) {
            throw new LaunchException("Invalid mount target '" + mount.getTarget() + "': it resolves to the root"
                    + " filesystem '" + rootfs + "' itself, which only its own bind may be mounted on");
        }
        made.setTarget(target.toString());
        if (mount.hasSource() && (mount.getFlags() & MountFlags.MS_BIND) != 0 && inside(rootfs, mount.getSource())) {
            made.setSource(resolveInRoot(rootfs, rootfs.relativize(Path.of(mount.getSource()).normalize()).toString())
                    .toString());
        }
        return made.build();
    }

    /** @return whether a mount binds the root filesystem onto itself (what makes it a mount point) */
    static boolean isSelfBind(Path rootfs, ContainerMountInfo mount) {
        String self = rootfs.toString();
        return self.equals(mount.getTarget()) && self.equals(mount.getSource()) && (mount.getFlags() & MountFlags.MS_BIND) != 0;
    }

    private static boolean inside(Path rootfs, String path) {
        return path.startsWith("/") && Path.of(path).normalize().startsWith(rootfs);
    }

    /**
     * Creates a missing mount target inside the root filesystem, on the launcher thread (in the
     * container's mount namespace, after the mounts before it).
     *
     * @param mount the mount about to be made
     * @throws LaunchException naming the target
     */
    void createTarget(ContainerMountInfo mount) throws LaunchException {
        Path target = Path.of(mount.getTarget());
        if (!contains(mount.getTarget()) || Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            boolean file = (mount.getFlags() & MountFlags.MS_BIND) != 0 && mount.hasSource()
                    && Files.exists(Path.of(mount.getSource())) && !Files.isDirectory(Path.of(mount.getSource()));
            if (file) {
                Files.createDirectories(target.getParent());
                Files.createFile(target);
            } else {
                Files.createDirectories(target);
            }
        } catch (IOException e) {
            throw new LaunchException("Failed to create the mount target '" + target + "': " + e, e);
        }
    }

    /** Resolves a path inside the image as the container will see it (see {@link RootedPaths}). */
    static Path resolveInRoot(Path rootfs, String path) throws LaunchException {
        try {
            return RootedPaths.resolve(rootfs, path);
        } catch (IOException e) {
            throw new LaunchException("Cannot resolve '" + path + "' inside the image '" + rootfs + "': "
                    + e.getMessage(), e);
        }
    }
}
