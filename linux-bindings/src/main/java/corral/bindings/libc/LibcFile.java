package corral.bindings.libc;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * File descriptors: the calls several facades share ({@code CgroupFs}, {@code FsXattr},
 * {@code Spawn}), declared once.
 */
public interface LibcFile {

    /** {@code int open(const char *path, int flags, mode_t mode)}. */
    int open(@In String path, int flags, int mode);

    /** {@code int openat(int dirfd, const char *path, int flags, mode_t mode)}. */
    int openat(int dirfd, @In String path, int flags, int mode);

    /** {@code ssize_t read(int fd, void *buf, size_t count)}. */
    @ssize_t long read(int fd, @Out byte[] buf, @size_t long count);

    /** {@code ssize_t write(int fd, const void *buf, size_t count)}. */
    @ssize_t long write(int fd, @In byte[] buf, @size_t long count);

    /** {@code int close(int fd)}. */
    int close(int fd);
}
