package corral.isolator.cgroups;

import corral.bindings.NativeException;

/**
 * The v1 {@code net_cls} controller: tags a cgroup's packets with a class id (32 bits,
 * {@code 0xAAAABBBB}: primary handle, secondary handle) that {@code tc} and {@code iptables} match
 * on. Stateless and thread-safe.
 */
public final class NetClsController extends Controller {

    /** Creates the controller. */
    public NetClsController() {
        super("net_cls");
    }

    /**
     * @param cgroup a cgroup of the net_cls hierarchy
     * @param classid the class id, {@code 0} to clear it
     * @throws NativeException {@code write .../net_cls.classid: ...}
     */
    public void setClassid(Cgroup cgroup, long classid) throws NativeException {
        if (classid < 0 || classid > 0xffffffffL) {
            throw new IllegalArgumentException("Invalid net_cls classid " + classid + ": it must be a 32-bit value");
        }
        cgroup.write("net_cls.classid", Long.toString(classid));
    }

    /**
     * @param cgroup a cgroup of the net_cls hierarchy
     * @return its class id; {@code 0} when none is set
     * @throws NativeException {@code open .../net_cls.classid: ...}
     */
    public long classid(Cgroup cgroup) throws NativeException {
        return Long.parseLong(cgroup.read("net_cls.classid").trim());
    }
}
