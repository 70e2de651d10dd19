package corral.agent.launcher.linux;

import corral.bindings.NativeException;
import corral.bindings.Namespaces;
import corral.bindings.Signals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one cgroup the Linux launcher keeps per container, to find and kill every process of it even
 * without a pid namespace: the v1 freezer hierarchy where it is mounted (as Mesos), otherwise
 * cgroup v2 with {@code cgroup.kill}. All cgroup handling of the launcher is in this class, so that
 * it can move onto the shared cgroups library. Thread-safe.
 */
final class ContainerCgroup {

    /** Where containers' cgroups can be made on this host. */
    record Hierarchy(Path mount, boolean v1Freezer) {

        /** @return the v1 freezer hierarchy, else the cgroup2 one, else {@code null} */
        static Hierarchy find() {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
            } catch (IOException e) {
                return null;
            }
            Path v2 = null;
            for (String line : lines) {
                String[] halves = line.split(" - ", 2);
                if (halves.length < 2) {
                    continue;
                }
                String[] left = halves[0].split(" ");
                String[] right = halves[1].split(" ");
                if (left.length < 5 || right.length < 3 || !"/".equals(left[3])) {
                    continue;
                }
                Path mount = Path.of(left[4]);
                if ("cgroup".equals(right[0]) && List.of(right[2].split(",")).contains("freezer")) {
                    return new Hierarchy(mount, true);
                }
                if ("cgroup2".equals(right[0]) && v2 == null) {
                    v2 = mount;
                }
            }
            return v2 == null ? null : new Hierarchy(v2, false);
        }
    }

    private final Hierarchy hierarchy;
    private final Path path;

    private ContainerCgroup(Hierarchy hierarchy, Path path) {
        this.hierarchy = hierarchy;
        this.path = path;
    }

    /**
     * @param hierarchy where to make it
     * @param root the directory for all containers of this agent, relative to the hierarchy
     * @param name the container's directory name
     * @return the new, empty cgroup
     * @throws IOException if it cannot be made (it exists already, for one)
     */
    static ContainerCgroup create(Hierarchy hierarchy, String root, String name) throws IOException {
        Path parent = hierarchy.mount().resolve(root);
        Files.createDirectories(parent);
        Path path = parent.resolve(name);
        Files.createDirectory(path);
        return new ContainerCgroup(hierarchy, path);
    }

    /** @return the cgroup's directory */
    Path path() {
        return path;
    }

    /**
     * Moves the calling thread (only it: a v1 {@code tasks} write) into the cgroup, so that what it
     * forks starts there. Does nothing on v2, where {@link #place} is used instead.
     *
     * @throws IOException if the kernel refuses
     */
    void joinCallingThread() throws IOException {
        if (hierarchy.v1Freezer()) {
            Files.writeString(path.resolve("tasks"), Integer.toString(Namespaces.gettid()));
        }
    }

    /**
     * Moves a process that has not forked yet into the cgroup (v2); on v1 it is there already.
     *
     * @param pid the process
     * @throws IOException if the kernel refuses
     */
    void place(long pid) throws IOException {
        if (!hierarchy.v1Freezer()) {
            Files.writeString(path.resolve("cgroup.procs"), Long.toString(pid));
        }
    }

    /** @return the pids in the cgroup (empty once it is gone) */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(path.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (IOException e) {
            if (e instanceof NoSuchFileException || !Files.isDirectory(path)) {
                return pids; // removed meanwhile (reading a removed cgroup's file gives ENODEV)
            }
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /**
     * Kills every process in the cgroup and returns once none is left: v2 {@code cgroup.kill}; v1
     * freeze, SIGKILL each, thaw (a frozen process cannot fork in between).
     *
     * @throws IOException if the kernel refuses
     * @throws InterruptedException if interrupted while waiting
     */
    synchronized void killAll() throws IOException, InterruptedException {
        if (!Files.isDirectory(path)) {
            return;
        }
        if (!hierarchy.v1Freezer()) {
            Files.writeString(path.resolve("cgroup.kill"), "1");
        } else {
            for (int round = 0; round < 50 && !pids().isEmpty(); round++) {
                Files.writeString(path.resolve("freezer.state"), "FROZEN");
                for (int i = 0; i < 100 && !"FROZEN".equals(state()); i++) {
                    Thread.sleep(1);
                }
                for (long pid : pids()) {
                    try {
                        Signals.kill(pid, Signals.SIGKILL);
                    } catch (NativeException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
                Files.writeString(path.resolve("freezer.state"), "THAWED");
                awaitEmpty(20);
            }
        }
        awaitEmpty(5000);
    }

    private String state() throws IOException {
        return Files.readString(path.resolve("freezer.state"), StandardCharsets.US_ASCII).trim();
    }

    private void awaitEmpty(int millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (!pids().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(1);
        }
    }

    /**
     * Removes the cgroup, retrying while the kernel still counts exiting processes in it.
     *
     * @throws IOException if it cannot be removed
     */
    synchronized void remove() throws IOException {
        for (int attempt = 0;; attempt++) {
            try {
                Files.deleteIfExists(path);
                return;
            } catch (IOException e) {
                if (attempt >= 200) {
                    throw e;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
