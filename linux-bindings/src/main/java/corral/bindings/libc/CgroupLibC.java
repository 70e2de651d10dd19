package corral.bindings.libc;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The C library calls behind {@link corral.bindings.CgroupFs}, with their C names. Only that facade
 * may use this interface.
 */
public interface CgroupLibC {

    int mkdir(String path, int mode);

    int rmdir(String path);

    int open(String path, int flags);

    @ssize_t long write(int fd, @In byte[] buf, @size_t long count);

    @ssize_t long read(int fd, @Out byte[] buf, @size_t long count);

    int close(int fd);

    int flock(int fd, int operation);
}
