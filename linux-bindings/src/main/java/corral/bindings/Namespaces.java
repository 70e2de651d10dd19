package corral.bindings;

import corral.bindings.libc.LibcNamespace;
import corral.bindings.libc.Libraries;

/**
 * Namespaces of the calling thread. After {@code unshare} the state belongs to that thread only
 * (and to what it forks): use a dedicated, throwaway platform thread.
 */
public final class Namespaces {

    /** {@code CLONE_FS}: unshared, the calling thread gets its own root and working directory. */
    public static final int CLONE_FS = 0x200;

    private static final long SYS_GETTID_X86_64 = 186;
    private static final long SYS_GETTID_AARCH64 = 178;

    private static final LibcNamespace LIBC = Libraries.libc(LibcNamespace.class);
    private static final long SYS_GETTID =
            "aarch64".equals(System.getProperty("os.arch")) ? SYS_GETTID_AARCH64 : SYS_GETTID_X86_64;

    private Namespaces() {
    }

    /**
     * @param flags {@code CLONE_NEW*} flags
     * @throws NativeException naming the flags
     */
    public static void unshare(int flags) throws NativeException {
        if (LIBC.unshare(flags) < 0) {
            throw new NativeException("unshare", "0x" + Integer.toHexString(flags),
                    new Errno(Libraries.lastErrno(LIBC)));
        }
    }

    /**
     * @param fd an open {@code /proc/PID/ns/*} file
     * @param nstype the {@code CLONE_NEW*} type, or 0 for any
     * @throws NativeException naming the fd
     */
    public static void setns(int fd, int nstype) throws NativeException {
        if (LIBC.setns(fd, nstype) < 0) {
            throw new NativeException("setns", "fd " + fd, new Errno(Libraries.lastErrno(LIBC)));
        }
    }

    /** @return the calling thread's id, as the kernel knows it */
    public static int gettid() {
        return (int) LIBC.syscall(SYS_GETTID);
    }
}
