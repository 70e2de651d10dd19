package corral.bindings;

import corral.bindings.libc.LibcFileMode;
import corral.bindings.libc.Libraries;

/**
 * {@code chmod} with every mode bit (including sticky, set-user-id and set-group-id, which Java's
 * {@code PosixFilePermission} cannot express) and {@code chown}.
 */
public final class FileModes {

    /** Sticky bit. */
    public static final int S_ISVTX = 01000;
    /** Set-group-id bit. */
    public static final int S_ISGID = 02000;
    /** Set-user-id bit. */
    public static final int S_ISUID = 04000;

    private static final LibcFileMode LIBC = Libraries.libc(LibcFileMode.class);

    private FileModes() {
    }

    /**
     * @param path the file (symlinks followed)
     * @param mode the permission bits, up to {@code 07777}
     * @throws NativeException naming the path
     */
    public static void chmod(String path, int mode) throws NativeException {
        if (LIBC.chmod(path, mode & 07777) < 0) {
            throw new NativeException("chmod", path, new Errno(Libraries.lastErrno(LIBC)));
        }
    }

    /**
     * @param path the file (symlinks followed)
     * @param uid the owner, or -1 to keep
     * @param gid the group, or -1 to keep
     * @throws NativeException naming the path
     */
    public static void chown(String path, int uid, int gid) throws NativeException {
        if (LIBC.chown(path, uid, gid) < 0) {
            throw new NativeException("chown", path, new Errno(Libraries.lastErrno(LIBC)));
        }
    }

    /**
     * @param path the file; a symlink itself is changed
     * @param uid the owner, or -1 to keep
     * @param gid the group, or -1 to keep
     * @throws NativeException naming the path
     */
    public static void lchown(String path, int uid, int gid) throws NativeException {
        if (LIBC.lchown(path, uid, gid) < 0) {
            throw new NativeException("lchown", path, new Errno(Libraries.lastErrno(LIBC)));
        }
    }
}
