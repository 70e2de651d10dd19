package corral.isolator.spi;

/**
 * The Linux {@code MS_*} mount flag values that {@code ContainerMountInfo.flags} carries (kernel
 * ABI, as in Mesos). Thread-safe: constants only.
 */
public final class MountFlags {

    /** Mount read-only. */
    public static final int MS_RDONLY = 1;
    /** Ignore set-user-id and set-group-id bits. */
    public static final int MS_NOSUID = 2;
    /** Disallow access to device special files. */
    public static final int MS_NODEV = 4;
    /** Disallow program execution. */
    public static final int MS_NOEXEC = 8;
    /** Change the flags of an existing mount. */
    public static final int MS_REMOUNT = 32;
    /** Bind mount. */
    public static final int MS_BIND = 4096;
    /** Move a mount. */
    public static final int MS_MOVE = 8192;
    /** Apply recursively. */
    public static final int MS_REC = 16384;
    /** Propagation: private. */
    public static final int MS_PRIVATE = 1 << 18;
    /** Propagation: slave. */
    public static final int MS_SLAVE = 1 << 19;
    /** Propagation: shared. */
    public static final int MS_SHARED = 1 << 20;

    private MountFlags() {
    }
}
