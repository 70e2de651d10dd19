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
 * from {@code filesystem/linux}).
 *
 * <p>The launcher thread performs the mounts in order in the new mount namespace, creating a
 * missing target first (an empty file when a bind source is not a directory, else a directory). A
 * {@code proc} mount inside the root filesystem is left to {@code unshare --mount-proc=<rootfs>/proc}
 * so that it shows the container's pid namespace. The supervisor (PID 1) stays on the host's root,
 * where its shell and the status file are; the task is started through
 * {@code unshare --root=<rootfs> --wd=<dir>}, which changes root and directory and execs the
 * command, resolved in the image with the image's {@code PATH}. The working directory is created
 * inside the root filesystem (symlinks resolved inside it) when missing.
 *
 * <p>Limit: the host's {@code setpriv} is not inside the image, so a container with a root
 * filesystem that asks for a user or for capabilities is refused. Without dropped capabilities a
 * root task could leave a {@code chroot} anyway, so {@code chroot} (rather than
 * {@code pivot_root}) costs nothing in the cases allowed.
 *
 * @param rootfs the root filesystem, absolute and normalised
 * @param procTarget the {@code proc} mount point inside it, when one is declared
 * @param workingDirectory the task's working directory, a path inside the container
 */
record RootfsEntry(Path rootfs, String procTarget, String workingDirectory) {

    /**
     * @param spec the launch
     * @param flags the clone flags in force
     * @param setpriv the setpriv options the launch needs
     * @return the entry
     * @throws LaunchException naming the field and value at fault
     */
    static RootfsEntry of(LaunchSpec spec, int flags, List<String> setpriv) throws LaunchException {
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
        if (!setpriv.isEmpty()) {
            throw new LaunchException("Invalid launch info: a container with a 'rootfs' cannot run as another user or"
                    + " with reduced capabilities on the linux launcher yet (" + String.join(" ", setpriv) + ")");
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
        return path.startsWith("/") && Path.of(path).normalize().startsWith(rootfs);
    }

    /** @return the command that changes into the root filesystem and runs {@code task} there */
    List<String> enter(List<String> task) {
        List<String> argv = new ArrayList<>(List.of(ContainerProgram.UNSHARE, "--root=" + rootfs,
                "--wd=" + workingDirectory, "--"));
        argv.addAll(task);
        return argv;
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
