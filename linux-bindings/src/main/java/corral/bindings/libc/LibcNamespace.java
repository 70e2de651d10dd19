package corral.bindings.libc;

import jnr.ffi.annotations.IgnoreError;

/** Namespaces of the calling thread. */
public interface LibcNamespace {

    int unshare(int flags);

    int setns(int fd, int nstype);

    /** Only used for gettid(2), which glibc 2.36 exports but older ones do not. */
    @IgnoreError
    long syscall(long number);
}
