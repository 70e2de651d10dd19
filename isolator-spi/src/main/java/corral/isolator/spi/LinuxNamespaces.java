package corral.isolator.spi;

/**
 * The Linux {@code CLONE_NEW*} flag values that {@code ContainerLaunchInfo.clone_namespaces} and
 * {@code enter_namespaces} carry (kernel ABI, as in Mesos). Thread-safe: constants only.
 */
public final class LinuxNamespaces {

    /** Mount namespace. */
    public static final int CLONE_NEWNS = 0x00020000;
    /** Cgroup namespace. */
    public static final int CLONE_NEWCGROUP = 0x02000000;
    /** UTS namespace. */
    public static final int CLONE_NEWUTS = 0x04000000;
    /** IPC namespace. */
    public static final int CLONE_NEWIPC = 0x08000000;
    /** User namespace. */
    public static final int CLONE_NEWUSER = 0x10000000;
    /** PID namespace. */
    public static final int CLONE_NEWPID = 0x20000000;
    /** Network namespace. */
    public static final int CLONE_NEWNET = 0x40000000;

    private LinuxNamespaces() {
    }
}
