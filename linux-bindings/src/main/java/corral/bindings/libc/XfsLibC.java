package corral.bindings.libc;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * The C library calls behind {@code corral.bindings.FsXattr} and {@code corral.bindings.Quota}:
 * file attributes by ioctl, XFS quotas, statfs. Only the bindings module may use it.
 */
public interface XfsLibC {

    /** {@code int open(const char *path, int flags, mode_t mode)}. */
    int open(@In String path, int flags, int mode);

    /** {@code int openat(int dirfd, const char *path, int flags, mode_t mode)}. */
    int openat(int dirfd, @In String path, int flags, int mode);

    /** {@code int close(int fd)}. */
    int close(int fd);

    /** {@code int ioctl(int fd, unsigned long request, void *arg)}. */
    int ioctl(int fd, long request, Pointer arg);

    /** {@code int quotactl(int cmd, const char *special, int id, caddr_t addr)}. */
    int quotactl(int cmd, @In String special, int id, Pointer addr);

    /** {@code int statfs(const char *path, struct statfs *buf)}. */
    int statfs(@In String path, Pointer buf);
}
