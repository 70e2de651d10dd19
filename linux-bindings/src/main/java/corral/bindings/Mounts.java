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
     * @param target the mount point
     * @param flags {@code MNT_*} flags
     * @throws NativeException naming the target
     */
    public static void umount2(String target, int flags) throws NativeException {
        if (LIBC.umount2(target, flags) < 0) {
            throw new NativeException("umount2", target, new Errno(Libraries.lastErrno(LIBC)));
        }
    }
}
