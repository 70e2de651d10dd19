package corral.bindings.libc;

import jnr.ffi.annotations.In;

/**
 * The C library calls behind {@link corral.bindings.OverlayMounts} that {@code Mounts} lacks.
 * Internal to the bindings module; exported only because jnr-ffi needs it.
 */
public interface OverlayLibc {

    /** mknod(2). */
    int mknod(@In String path, int mode, long device);

    /** setxattr(2). */
    int setxattr(@In String path, @In String name, @In byte[] value, long size, int flags);
}
