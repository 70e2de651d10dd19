package corral.bindings;

import corral.bindings.libc.Libraries;
import corral.bindings.libc.OverlayLibc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Overlay root filesystems for image containers: mounting one in the agent's mount namespace and
 * unmounting it (through {@link Mounts}), and writing overlayfs whiteouts into a layer directory.
 * Thread-safe.
 */
public final class OverlayMounts {

    /** umount2 flag: detach now, finish when no longer busy. */
    public static final int MNT_DETACH = Mounts.MNT_DETACH;
    private static final int S_IFCHR = 0020000;

    private static final class Holder {
        static final OverlayLibc LIBC = Libraries.libc(OverlayLibc.class);
    }

    private OverlayMounts() {
    }

    /**
     * Mounts an overlay: {@code mount("overlay", target, "overlay", 0, "lowerdir=...,upperdir=...,workdir=...")}.
     *
     * @param lowerDirs the read-only layers, topmost first (overlayfs's order)
     * @param upperDir where the container's writes go
     * @param workDir overlayfs's work directory, on the same file system as {@code upperDir}
     * @param target the mount point
     * @throws NativeException naming {@code mount}, the target and errno
     */
    public static void mountOverlay(List<Path> lowerDirs, Path upperDir, Path workDir, Path target)
            throws NativeException {
        StringBuilder options = new StringBuilder("lowerdir=");
        for (int i = 0; i < lowerDirs.size(); i++) {
            options.append(i == 0 ? "" : ":").append(escape(lowerDirs.get(i).toString()));
        }
        options.append(",upperdir=").append(escape(upperDir.toString()))
                .append(",workdir=").append(escape(workDir.toString()));
        if (options.length() >= 4096) {
            throw new NativeException("mount overlay (options longer than a page)", target.toString(),
                    new Errno(Errno.EINVAL));
        }
        Mounts.mount("overlay", target.toString(), "overlay", 0, options.toString());
    }

    /**
     * @param target a mount point
     * @param flags {@code umount2} flags, such as {@link #MNT_DETACH}, or 0
     * @throws NativeException naming {@code umount2}, the target and errno
     */
    public static void unmount(Path target, int flags) throws NativeException {
        Mounts.umount2(target.toString(), flags);
    }

    /**
     * Writes an overlayfs whiteout: a character device 0/0 that hides the same path in lower layers.
     *
     * @param path where
     * @throws NativeException naming {@code mknod}, the path and errno
     */
    public static void makeWhiteout(Path path) throws NativeException {
        if (Holder.LIBC.mknod(path.toString(), S_IFCHR, 0L) != 0) {
            throw new NativeException("mknod", path.toString(), errno());
        }
    }

    /**
     * Marks a directory opaque for overlayfs ({@code trusted.overlay.opaque=y}): lower layers'
     * content of that directory is hidden. Needs {@code CAP_SYS_ADMIN}.
     *
     * @param directory the directory
     * @throws NativeException naming {@code setxattr}, the path and errno
     */
    public static void markOpaque(Path directory) throws NativeException {
        byte[] value = "y".getBytes(StandardCharsets.US_ASCII);
        if (Holder.LIBC.setxattr(directory.toString(), "trusted.overlay.opaque", value, value.length, 0) != 0) {
            throw new NativeException("setxattr trusted.overlay.opaque", directory.toString(), errno());
        }
    }

    private static String escape(String path) {
        // overlayfs splits options on ',' and lower directories on ':'; both may be escaped with '\'
        return path.replace("\\", "\\\\").replace(",", "\\,").replace(":", "\\:");
    }

    private static Errno errno() {
        return new Errno(Libraries.lastErrno(Holder.LIBC));
    }
}
