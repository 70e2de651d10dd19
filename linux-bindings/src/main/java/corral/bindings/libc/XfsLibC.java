package corral.bindings.libc;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * The C library calls behind {@code corral.bindings.FsXattr} and {@code corral.bindings.Quota}:
 * file attributes by ioctl, XFS quotas, statfs (file descriptors are {@link LibcFile}'s). Only the
 * bindings module may use it.
 */
public interface XfsLibC {

    /** {@code int ioctl(int fd, unsigned long request, void *arg)}. */
    int ioctl(int fd, long request, Pointer arg);

    /** {@code int quotactl(int cmd, const char *special, int id, caddr_t addr)}. */
    int quotactl(int cmd, @In String special, int id, Pointer addr);

    /** {@code int statfs(const char *path, struct statfs *buf)}. */
    int statfs(@In String path, Pointer buf);
}
