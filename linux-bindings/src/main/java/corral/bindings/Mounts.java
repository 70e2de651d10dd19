package corral.bindings;

import corral.bindings.libc.LibcMount;
import corral.bindings.libc.Libraries;

/** {@code mount} and {@code umount2}, for the calling thread's mount namespace. */
public final class Mounts {

    /** Read-only. */
    public static final long MS_RDONLY = 1;
    /** Ignore set-user-id bits. */
    public static final long MS_NOSUID = 2;
    /** No device files. */
    public static final long MS_NODEV = 4;
    /** No execution. */
    public static final long MS_NOEXEC = 8;
    /** Change flags of an existing mount. */
    public static final long MS_REMOUNT = 32;
    /** Bind mount. */
    public static final long MS_BIND = 4096;
    /** Move a mount. */
    public static final long MS_MOVE = 8192;
    /** Recursive. */
    public static final long MS_REC = 16384;
    /** Propagation: private. */
    public static final long MS_PRIVATE = 1 << 18;
    /** Propagation: slave. */
    public static final long MS_SLAVE = 1 << 19;
    /** Propagation: shared. */
    public static final long MS_SHARED = 1 << 20;
    /** Lazy unmount. */
    public static final int MNT_DETACH = 2;
    /** mount_setattr: read-only. */
    public static final long MOUNT_ATTR_RDONLY = 0x1;
    /** mount_setattr: ignore set-user-id bits. */
    public static final long MOUNT_ATTR_NOSUID = 0x2;
    /** mount_setattr: no device files. */
    public static final long MOUNT_ATTR_NODEV = 0x4;
    /** mount_setattr: no execution. */
    public static final long MOUNT_ATTR_NOEXEC = 0x8;

    private static final long SYS_MOUNT_SETATTR = 442; // the same on x86_64 and aarch64
    private static final long SYS_PIVOT_ROOT =
            "aarch64".equals(System.getProperty("os.arch")) ? 41 : 155; // x86_64 otherwise
    private static final int AT_FDCWD = -100;
    private static final int AT_RECURSIVE = 0x8000;

    private static final LibcMount LIBC = Libraries.libc(LibcMount.class);

    private Mounts() {
    }

    /**
     * @param source the source, or {@code null}
     * @param target the mount point
     * @param fstype the filesystem type, or {@code null}
     * @param flags {@code MS_*} flags
     * @param data filesystem options, or {@code null}
     * @throws NativeException naming the target
     */
    public static void mount(String source, String target, String fstype, long flags, String data)
            throws NativeException {
        if (LIBC.mount(source, target, fstype, flags, data) < 0) {
            throw new NativeException("mount", target, new Errno(Libraries.lastErrno(LIBC)));
        }
    }

    /**
     * Changes the attributes of a mount and, with {@code recursive}, of every mount below it, which
     * {@code MS_REMOUNT} cannot do.
     *
     * @param path the mount point
     * @param recursive whether submounts change too ({@code AT_RECURSIVE})
     * @param set {@code MOUNT_ATTR_*} to set
     * @param clear {@code MOUNT_ATTR_*} to clear
     * @throws NativeException naming the path (ENOSYS before Linux 5.12)
     */
    public static void mount_setattr(String path, boolean recursive, long set, long clear) throws NativeException {
        byte[] attr = new byte[32]; // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(attr).order(java.nio.ByteOrder.nativeOrder());
        b.putLong(0, set).putLong(8, clear);
        if (LIBC.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, attr, attr.length) < 0) {
            throw new NativeException("mount_setattr", path, new Errno(Libraries.lastErrno(LIBC)));
        }
    }

    /**
     * @param target the mount point
     * @param flags {@code MNT_*} flags
     * @throws NativeException naming the target
     */
    public static void umount2(String target, int flags) throws NativeException {
        if (LIBC.umount2(target, flags) < 0) {
            throw new NativeException("umount2", target, new Errno(Libraries.lastErrno(LIBC)));
        }
    }

    /**
     * Moves the calling thread's mount namespace root: {@code new_root} becomes {@code /} of every
     * process in the namespace whose root was the old one, and the old root is mounted at
     * {@code put_old} ({@code "."} for both stacks the old root on the new, see pivot_root(2)).
     *
     * @param newRoot a mount point, not shared
     * @param putOld where the old root goes, at or below {@code newRoot}
     * @throws NativeException naming the new root
     */
    public static void pivot_root(String newRoot, String putOld) throws NativeException {
        if (LIBC.syscall(SYS_PIVOT_ROOT, newRoot, putOld) < 0) {
            throw new NativeException("pivot_root", newRoot, new Errno(Libraries.lastErrno(LIBC)));
        }
    }

    /**
     * Changes the calling thread's working directory; only meaningful on a thread that has unshared
     * {@code CLONE_FS} (otherwise it moves the whole JVM).
     *
     * @param path the directory
     * @throws NativeException naming the path
     */
    public static void chdir(String path) throws NativeException {
        if (LIBC.chdir(path) < 0) {
            throw new NativeException("chdir", path, new Errno(Libraries.lastErrno(LIBC)));
        }
    }
}
