package corral.bindings.libc;

/**
 * The C library calls behind {@link corral.bindings.CgroupFs} besides file descriptors ({@link LibcFile}),
 * with their C names. Only that facade may use this interface.
 */
public interface CgroupLibC {

    int mkdir(String path, int mode);

    int rmdir(String path);

    int flock(int fd, int operation);
}
