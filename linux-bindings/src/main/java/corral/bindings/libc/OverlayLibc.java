package corral.bindings.libc;

import jnr.ffi.annotations.In;

/**
 * The C library calls behind {@link corral.bindings.OverlayMounts}. Internal to the bindings
 * module; exported only because jnr-ffi needs it.
 */
public interface OverlayLibc {

    /** mount(2). */
    int mount(@In String source, @In String target, @In String filesystemType, long flags, @In String data);

    /** umount2(2). */
    int umount2(@In String target, int flags);

    /** mknod(2). */
    int mknod(@In String path, int mode, long device);

    /** setxattr(2). */
    int setxattr(@In String path, @In String name, @In byte[] value, long size, int flags);
}
