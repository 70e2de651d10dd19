package corral.agent.launcher.linux;

import corral.bindings.NativeException;
import corral.bindings.Namespaces;
import corral.isolator.cgroups.Cgroup;
import corral.isolator.cgroups.CgroupVersion;
import corral.isolator.cgroups.Hierarchies;
import corral.isolator.cgroups.Hierarchy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one cgroup the Linux launcher keeps for a container without a pid namespace, to find and kill
 * every process of it: {@code <freezer>/<cgroups_root>/<id>} where the v1 freezer is mounted (as
 * Mesos), else the same path under cgroup2 (killed with {@code cgroup.kill}). A thin adapter over the
 * shared cgroups library ({@code corral.isolator.cgroups}); the launcher has no other cgroup code.
 * Thread-safe.
 */
final class ContainerCgroup {

    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final Cgroup cgroup;

    private ContainerCgroup(Cgroup cgroup) {
        this.cgroup = cgroup;
    }

    /** @return the v1 freezer hierarchy, else the cgroup2 one, else {@code null} */
    static Hierarchy findHierarchy() {
        try {
            Hierarchies all = Hierarchies.detect();
            return all.v1("freezer").or(all::unified).orElse(null);
        } catch (NativeException e) {
            return null;
        }
    }

    /**
     * @param hierarchy where to make it
     * @param root the cgroup of all containers of this agent, relative to the hierarchy
     * @param name the container's cgroup name
     * @return the new, empty cgroup
     * @throws IOException if it exists already (a leftover must not be joined) or cannot be made
     */
    static ContainerCgroup create(Hierarchy hierarchy, String root, String name) throws IOException {
        Cgroup cgroup = hierarchy.cgroup(root + "/" + name);
        if (cgroup.exists()) {
            throw new IOException("it exists already");
        }
        return new ContainerCgroup(cgroup.create());
    }

    /** @return the cgroup's directory */
    Path path() {
        return cgroup.path();
    }

    /**
     * The agent's own cgroup in a v1 hierarchy, read once when the launcher is made: where a launch
     * thread returns after forking (see {@link #joinCallingThread}).
     *
     * @param hierarchy the launcher's hierarchy
     * @return the agent's cgroup there, or {@code null} on v2 (where no thread ever joins a container)
     * @throws IOException if {@code /proc/self/cgroup} cannot be read or has no line for it
     */
    static Cgroup agentCgroup(Hierarchy hierarchy) throws IOException {
        if (hierarchy.version() != CgroupVersion.V1) {
            return null;
        }
        // lines look like "6:freezer:/some/path"
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] fields = line.split(":", 3);
            if (fields.length == 3 && List.of(fields[1].split(",")).containsAll(hierarchy.controllers())) {
                return hierarchy.cgroup(fields[2].replaceFirst("^/+", ""));
            }
        }
        throw new IOException("/proc/self/cgroup has no line for the hierarchy at " + hierarchy.mountPoint());
    }

    /**
     * Moves the calling thread (only it: a v1 {@code tasks} write) into the cgroup, so that what it
     * forks starts there. Closing the result moves the thread back to the agent's cgroup, so that no
     * thread of the agent is left in a container's cgroup once the fork is done (a lingering one
     * would be frozen with the container, or listed among its processes). Does nothing on v2, where
     * {@link #place} is used instead.
     *
     * @param home the agent's cgroup ({@link #agentCgroup}); {@code null} on v2
     * @return what moves the thread back
     * @throws IOException if the kernel refuses
     */
    Joined joinCallingThread(Cgroup home) throws IOException {
        if (cgroup.hierarchy().version() != CgroupVersion.V1) {
            return () -> { };
        }
        long tid = Namespaces.gettid();
        cgroup.addThread(tid);
        return () -> home.addThread(tid);
    }

    /** Moves a thread back where it was before {@link #joinCallingThread}. */
    interface Joined extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Moves a process that has not forked yet into the cgroup (v2); on v1 it is there already.
     *
     * @param pid the process
     * @throws IOException if the kernel refuses
     */
    void place(long pid) throws IOException {
        if (cgroup.hierarchy().version() != CgroupVersion.V1) {
            cgroup.addProcess(pid);
        }
    }

    /** @return the pids in the cgroup (empty once it is gone) */
    List<Long> pids() throws IOException {
        return new ArrayList<>(cgroup.processes());
    }

    /**
     * Kills every process in the cgroup (v1: freeze, SIGKILL each, thaw; v2: {@code cgroup.kill})
     * and returns once none is left.
     *
     * @throws IOException if the kernel refuses or processes outlive the timeout
     */
    void killAll() throws IOException {
        cgroup.kill(KILL_TIMEOUT);
    }

    /**
     * Kills what is left and removes the cgroup, retrying while the kernel still counts exiting
     * processes in it.
     *
     * @throws IOException if it cannot be removed
     */
    void remove() throws IOException {
        cgroup.destroy(KILL_TIMEOUT);
    }
}
