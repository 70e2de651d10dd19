package corral.agent.launcher.linux;

import corral.agent.launcher.LaunchException;
import corral.bindings.Mounts;
import corral.bindings.Namespaces;
import corral.bindings.NativeException;
import corral.bindings.RootedPaths;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes a container's root filesystem the root of its mount namespace, for every process already
 * in it, and cuts the host's tree away. First the mounts that need the container's {@code /proc}
 * and the masks; then {@code pivot_root(".", ".")} from inside the root
 * filesystem stacks the old root on the new one, and a lazy unmount of {@code "."} detaches that
 * whole tree, so no path, {@code ..} or {@code chroot} from inside leads back to the host. Done on
 * a throwaway thread that joins the namespace; afterwards that thread's own root is the image, so
 * it does nothing else (no class loading from the host's files).
 */
final class RootfsPivot {

    /**
     * What a container's pivot does.
     *
     * @param rootfs the root filesystem, a mount point in the container's namespace (filesystem/linux
     *     binds it onto itself), as a host path
     * @param mountsAfterProc mounts below the root filesystem's {@code /proc}, made first (with a pid
     *     namespace that {@code proc} is mounted only by {@code unshare --mount-proc})
     * @param maskedPaths paths inside the root filesystem to cover, when they exist
     */
    record Plan(String rootfs, List<ContainerMountInfo> mountsAfterProc, List<String> maskedPaths) {

        static Plan of(ContainerProgram program) {
            return new Plan(program.rootfs().rootfs().toString(), program.mountsAfterProc(), program.maskedPaths());
        }
    }

    private static final long MASK_FLAGS = Mounts.MS_RDONLY | Mounts.MS_NOSUID | Mounts.MS_NODEV | Mounts.MS_NOEXEC;

    private RootfsPivot() {
    }

    /**
     * @param namespace an open {@code /proc/PID/ns/mnt} of the container
     * @param plan what to do
     * @throws NativeException naming the call that failed
     * @throws LaunchException naming the mount or masked path that failed
     */
    static void run(int namespace, Plan plan) throws NativeException, LaunchException {
        ThrowawayThread.run("corral-pivot", () -> {
            Namespaces.unshare(Namespaces.CLONE_FS); // setns to a mount namespace needs an fs of its own
            Namespaces.setns(namespace, LinuxNamespaces.CLONE_NEWNS);
            for (ContainerMountInfo mount : plan.mountsAfterProc()) {
                LinuxLauncher.mount(RootfsEntry.resolved(Path.of(plan.rootfs()), mount));
            }
            for (String masked : plan.maskedPaths()) {
                mask(plan.rootfs(), masked);
            }
            Mounts.chdir(plan.rootfs());
            Mounts.pivot_root(".", ".");
            Mounts.umount2(".", Mounts.MNT_DETACH);
            Mounts.chdir("/");
            return null;
        });
    }

    private static void mask(String rootfs, String masked) throws LaunchException {
        Path target;
        try {
            target = RootedPaths.resolve(Path.of(rootfs), masked);
        } catch (IOException e) {
            throw new LaunchException("Cannot resolve masked path '" + masked + "' inside '" + rootfs + "': "
                    + e.getMessage(), e);
        }
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return; // nothing to hide
        }
        try {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                Mounts.mount("tmpfs", target.toString(), "tmpfs", MASK_FLAGS, "size=4k,mode=555");
            } else {
                Mounts.mount("/dev/null", target.toString(), null, Mounts.MS_BIND, null);
            }
        } catch (NativeException e) {
            throw new LaunchException("Failed to mask '" + masked + "': " + e.getMessage(), e);
        }
    }
}
