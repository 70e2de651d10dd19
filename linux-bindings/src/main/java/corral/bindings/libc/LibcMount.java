package corral.bindings.libc;

import jnr.ffi.annotations.In;

/** mount(2), umount2(2), mount_setattr(2), pivot_root(2) and the calling thread's chdir(2). */
public interface LibcMount {

    int mount(String source, String target, String filesystemtype, long mountflags, String data);

    int umount2(String target, int flags);

    int chdir(String path);

    /** For mount_setattr(2) (Linux 5.12), which glibc 2.36 does not wrap. */
    long syscall(long number, int dirfd, String path, int flags, @In byte[] attr, long size);

    /** For pivot_root(2), which glibc does not wrap. */
    long syscall(long number, String newRoot, String putOld);
}
