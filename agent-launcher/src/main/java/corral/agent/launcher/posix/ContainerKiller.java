package corral.agent.launcher.posix;

/**
 * Finds and signals every process of a container that has no pid namespace of its own. The posix
 * launcher knows only the container's first process; how the rest are found (its session, its
 * cgroup) is this seam, so that switching to a cgroup-based kill is one class.
 */
public interface ContainerKiller {

    /**
     * Signals every live process of the container.
     *
     * @param leader the host pid of the container's first process (which may already be gone)
     * @param signal the signal number
     * @return how many processes were signalled
     */
    int signalAll(long leader, int signal);

    /**
     * @param leader the host pid of the container's first process
     * @return whether any process of the container is still alive (zombies do not count)
     */
    boolean anyAlive(long leader);
}
