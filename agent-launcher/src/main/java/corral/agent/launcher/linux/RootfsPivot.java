package corral.agent.launcher.linux;

import corral.agent.launcher.LaunchException;
import corral.bindings.Mounts;
import corral.bindings.Namespaces;
import corral.bindings.NativeException;
import corral.isolator.spi.LinuxNamespaces;

/**
 * Makes a container's root filesystem the root of its mount namespace, for every process already
 * in it, and cuts the host's tree away: {@code pivot_root(".", ".")} from inside the root
 * filesystem stacks the old root on the new one, and a lazy unmount of {@code "."} detaches that
 * whole tree, so no path, {@code ..} or {@code chroot} from inside leads back to the host. Done on
 * a throwaway thread that joins the namespace; afterwards that thread's own root is the image, so
 * it does nothing else (no class loading from the host's files).
 */
final class RootfsPivot {

    private RootfsPivot() {
    }

    /**
     * @param namespace an open {@code /proc/PID/ns/mnt} of the container
     * @param rootfs the root filesystem, a mount point in that namespace (filesystem/linux binds it
     *     onto itself), as a host path
     * @throws NativeException naming the call that failed
     * @throws LaunchException never in practice; for the thread's signature
     */
    static void run(int namespace, String rootfs) throws NativeException, LaunchException {
        ThrowawayThread.run("corral-pivot", () -> {
            Namespaces.unshare(Namespaces.CLONE_FS); // setns to a mount namespace needs an fs of its own
            Namespaces.setns(namespace, LinuxNamespaces.CLONE_NEWNS);
            Mounts.chdir(rootfs);
            Mounts.pivot_root(".", ".");
            Mounts.umount2(".", Mounts.MNT_DETACH);
            Mounts.chdir("/");
            return null;
        });
    }
}
