package corral.isolator.cgroups;

import corral.bindings.CgroupFs;
import corral.bindings.Errno;
import corral.bindings.NativeException;
import corral.bindings.Signals;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One cgroup: a directory of a mounted {@link Hierarchy}. A handle is a cheap value; the cgroup
 * need not exist until {@link #create()}. Every kernel failure is a {@link NativeException} naming the
 * call, errno and path, as in {@code write /sys/fs/cgroup/net_cls/mesos/c1/net_cls.classid: EINVAL
 * (Invalid argument)}.
 *
 * <p>Thread-safe: a handle holds no mutable state; concurrent operations on one cgroup are as safe
 * as the kernel makes them (several {@link #destroy} calls on one cgroup all return once it is gone).
 */
public final class Cgroup {

    private static final long SELF = ProcessHandle.current().pid();
    private static final FreezerController FREEZER = new FreezerController();

    private final Hierarchy hierarchy;
    private final String relativePath;
    private final Path path;

    Cgroup(Hierarchy hierarchy, String relativePath) {
        this.hierarchy = Objects.requireNonNull(hierarchy, "hierarchy");
        this.relativePath = checkRelative(relativePath);
        this.path = relativePath.isEmpty() ? hierarchy.mountPoint() : hierarchy.mountPoint().resolve(relativePath);
    }

    static String checkRelative(String relative) {
        Objects.requireNonNull(relative, "relativePath");
        if (relative.isEmpty()) {
            return relative;
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("Invalid cgroup path '" + relative
                        + "': it must be relative, without empty, '.' or '..' segments");
            }
        }
        return relative;
    }

    /** @return the hierarchy this cgroup belongs to */
    public Hierarchy hierarchy() {
        return hierarchy;
    }

    /** @return the path relative to the hierarchy's mount point; empty for the root cgroup */
    public String relativePath() {
        return relativePath;
    }

    /** @return the cgroup's directory, such as {@code /sys/fs/cgroup/freezer/mesos/c1} */
    public Path path() {
        return path;
    }

    /**
     * @param name one path segment
     * @return the child cgroup named {@code name}
     */
    public Cgroup child(String name) {
        if (name.contains("/")) {
            throw new IllegalArgumentException("Invalid cgroup name '" + name + "': it must not contain '/'");
        }
        return new Cgroup(hierarchy, relativePath.isEmpty() ? name : relativePath + "/" + name);
    }

    /** @return whether the cgroup's directory exists */
    public boolean exists() {
        return Files.isDirectory(path);
    }

    /**
     * Creates the cgroup and any missing ancestors; an existing cgroup is fine.
     *
     * @return this cgroup
     * @throws NativeException {@code mkdir <path>: ...}
     */
    public Cgroup create() throws NativeException {
        if (relativePath.isEmpty()) {
            return this;
        }
        Path dir = hierarchy.mountPoint();
        for (String segment : relativePath.split("/")) {
            dir = dir.resolve(segment);
            try {
                CgroupFs.mkdir(dir, 0755);
            } catch (NativeException e) {
                if (e.errno().number() != Errno.EEXIST) {
                    throw e;
                }
            }
        }
        return this;
    }

    /**
     * Writes a control file with one {@code write} call.
     *
     * @param file the control file, such as {@code net_cls.classid}
     * @param value the value, such as {@code 1179665}
     * @throws NativeException {@code write <path>/<file>: EINVAL (Invalid argument)} and the like
     */
    public void write(String file, String value) throws NativeException {
        CgroupFs.write(path.resolve(checkFile(file)), value);
    }

    /**
     * @param file the control file, such as {@code cgroup.procs}
     * @return its content
     * @throws NativeException {@code open <path>/<file>: ENOENT (...)} and the like
     */
    public String read(String file) throws NativeException {
        return CgroupFs.read(path.resolve(checkFile(file)));
    }

    private static String checkFile(String file) {
        if (file.isEmpty() || file.contains("/") || file.equals("..") || file.equals(".")) {
            throw new IllegalArgumentException("Invalid cgroup control file name '" + file + "'");
        }
        return file;
    }

    /**
     * Moves a whole process (every thread of it) into this cgroup ({@code cgroup.procs}).
     *
     * @param pid the process
     * @throws NativeException {@code write .../cgroup.procs: ESRCH (No such process)} and the like
     */
    public void addProcess(long pid) throws NativeException {
        write("cgroup.procs", Long.toString(pid));
    }

    /**
     * Moves one thread into this cgroup ({@code tasks}, v1 only): what a launcher thread does before
     * it forks so that the child starts inside the cgroup, with no window (launch-path.md §4).
     *
     * @param tid the thread id (for the calling thread, its {@code gettid()})
     * @throws NativeException {@code write .../tasks: ...}
     * @throws UnsupportedOperationException on v2, which cannot move single threads out of
     *     threaded subtrees
     */
    public void addThread(long tid) throws NativeException {
        if (hierarchy.version() != CgroupVersion.V1) {
            throw new UnsupportedOperationException("Moving one thread needs a cgroup v1 hierarchy, not " + path);
        }
        write("tasks", Long.toString(tid));
    }

    /**
     * @return the pids of the processes with at least one thread in this cgroup (not its
     *     descendants), in the kernel's order without duplicates; empty when the cgroup is gone.
     *     The set is the caller's to change.
     * @throws NativeException when {@code cgroup.procs} cannot be read for another reason
     */
    public Set<Long> processes() throws NativeException {
        String text;
        try {
            text = read("cgroup.procs");
        } catch (NativeException e) {
            if (e.errno().number() == Errno.ENOENT) {
                return new LinkedHashSet<>();
            }
            throw e;
        }
        Set<Long> pids = new LinkedHashSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.trim()));
            }
        }
        return pids;
    }

    /**
     * @return the child cgroups that exist now, by name
     * @throws IOException when the directory cannot be listed
     */
    public List<Cgroup> children() throws IOException {
        List<Cgroup> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path, Files::isDirectory)) {
            for (Path entry : entries) {
                children.add(child(entry.getFileName().toString()));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        children.sort(Comparator.comparing(Cgroup::relativePath));
        return children;
    }

    /**
     * Kills every process in this cgroup and its descendants and waits until they are gone.
     * v2: writes {@code 1} to {@code cgroup.kill}. v1: in a freezer hierarchy freezes the cgroup,
     * SIGKILLs every pid in {@code cgroup.procs} and thaws it, so that nothing can fork in between;
     * elsewhere SIGKILLs in a loop. Repeats until {@code cgroup.procs} is empty. A cgroup that does not
     * exist is empty. The calling JVM is never killed: if one of its threads is in the cgroup (a
     * launcher thread before it forks) it is skipped and the cgroup is neither frozen nor
     * {@code cgroup.kill}ed.
     *
     * @param timeout how long to keep trying
     * @throws IOException naming the cgroup and the pids left when they outlive the timeout, or a
     *     {@link NativeException} from the kernel
     * @throws IllegalStateException for the root cgroup of a hierarchy (every process of the host)
     */
    public void kill(Duration timeout) throws IOException {
        if (relativePath.isEmpty()) {
            throw new IllegalStateException("Refusing to kill every process of the hierarchy " + path);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Cgroup child : children()) {
            child.kill(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        if (hierarchy.version() == CgroupVersion.V2) {
            killV2(deadline);
            return;
        }
        long pause = 1;
        while (true) {
            Set<Long> pids = processes();
            boolean selfInside = pids.remove(SELF);
            if (pids.isEmpty()) {
                return;
            }
            boolean freeze = hierarchy.hasFreezer() && !selfInside;
            if (freeze) {
                FREEZER.freeze(this, deadline);
            }
            try {
                for (long pid : freeze ? processes() : pids) {
                    if (pid != SELF) {
                        Signals.kill(pid, Signals.SIGKILL);
                    }
                }
            } finally {
                if (freeze) {
                    FREEZER.thaw(this);
                }
            }
            pause = waitFor(deadline, pause, pids);
        }
    }

    private void killV2(long deadline) throws IOException {
        long pause = 1;
        while (true) {
            Set<Long> pids = processes();
            boolean selfInside = pids.remove(SELF);
            if (pids.isEmpty()) {
                return;
            }
            boolean killed = false;
            if (!selfInside) { // cgroup.kill would take this JVM with it
                try {
                    write("cgroup.kill", "1");
                    killed = true;
                } catch (NativeException e) {
                    if (e.errno().number() != Errno.ENOENT) { // kernels before 5.14 have no cgroup.kill
                        throw e;
                    }
                }
            }
            if (!killed) {
                for (long pid : pids) {
                    Signals.kill(pid, Signals.SIGKILL);
                }
            }
            pause = waitFor(deadline, pause, pids);
        }
    }

    private long waitFor(long deadline, long pauseMillis, Set<Long> pids) throws IOException {
        if (System.nanoTime() > deadline) {
            throw new IOException("Failed to kill the processes " + pids + " of cgroup " + path + " in time");
        }
        try {
            Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while killing the processes of cgroup " + path, e);
        }
        return Math.min(pauseMillis * 2, 50);
    }

    /**
     * Kills whatever is left in this cgroup and its descendants ({@link #kill}) and removes them,
     * deepest first, retrying {@code rmdir} while the kernel still reports EBUSY (exiting processes
     * leave a cgroup a moment after they are killed). A cgroup that is already gone is fine.
     *
     * @param timeout how long to keep trying, killing and removing together
     * @throws IOException when something is left after the timeout; a {@link NativeException}
     *     ({@code rmdir <path>: EBUSY (...)}) for a cgroup that stayed busy
     */
    public void destroy(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!relativePath.isEmpty()) {
            // the usual case, an empty leaf (its processes are gone already), needs one call
            try {
                CgroupFs.rmdir(path);
                return;
            } catch (NativeException e) {
                int errno = e.errno().number();
                if (errno == Errno.ENOENT) {
                    return;
                }
                if (errno != Errno.EBUSY && errno != Errno.ENOTEMPTY) {
                    throw e;
                }
            }
        }
        kill(timeout);
        remove(deadline);
    }

    private void remove(long deadline) throws IOException {
        for (Cgroup child : children()) {
            child.remove(deadline);
        }
        if (relativePath.isEmpty()) {
            return;
        }
        long pause = 1;
        while (true) {
            try {
                CgroupFs.rmdir(path);
                return;
            } catch (NativeException e) {
                int errno = e.errno().number();
                if (errno == Errno.ENOENT) {
                    return;
                }
                if (errno != Errno.EBUSY || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while removing cgroup " + path, e);
            }
            pause = Math.min(pause * 2, 50);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cgroup other && other.path.equals(path) && other.hierarchy.equals(hierarchy);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
