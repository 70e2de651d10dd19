package corral.isolator.cgroups;

import corral.bindings.NativeException;
import corral.isolator.spi.mesos.ResourceStatistics;

/**
 * One cgroup controller ("subsystem"), in the shape runc and Mesos give it: a name, joining a
 * process to a cgroup of the controller's hierarchy, typed setters in subclasses, and statistics.
 * Subclasses are small and stateless; they add only what their control files need. Thread-safe.
 */
public abstract class Controller {

    private final String name;

    /** @param name the kernel's name of the controller, such as {@code net_cls} */
    protected Controller(String name) {
        this.name = name;
    }

    /** @return the kernel's name of the controller, such as {@code net_cls} */
    public final String name() {
        return name;
    }

    /**
     * Creates the cgroup if needed and moves a process into it.
     *
     * @param cgroup a cgroup of this controller's hierarchy
     * @param pid the process
     * @throws NativeException from {@code mkdir} or the {@code cgroup.procs} write
     */
    public void apply(Cgroup cgroup, long pid) throws NativeException {
        cgroup.create().addProcess(pid);
    }

    /**
     * Adds this controller's figures to a container's statistics; none by default.
     *
     * @param cgroup the container's cgroup
     * @param statistics the builder to add to
     * @throws NativeException when a control file cannot be read
     */
    public void stats(Cgroup cgroup, ResourceStatistics.Builder statistics) throws NativeException {
    }

    @Override
    public String toString() {
        return name;
    }
}
