package corral.isolator.cgroups;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import corral.bindings.CgroupFs;
import corral.bindings.NativeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Helpers for tests on the real kernel: root checks, sleepers, unique roots, the net_cls mount. */
public final class TestCgroups {

    public static final Path HIERARCHY = Path.of("/sys/fs/cgroup");
    private static boolean netClsMountedHere;

    private TestCgroups() {
    }

    public static boolean isRoot() {
        try {
            return "0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
        } catch (IOException e) {
            return false;
        }
    }

    public static void assumeRoot() {
        if (!isRoot()) {
            System.out.println("SKIPPED: needs root to create cgroups");
        }
        assumeTrue(isRoot(), "needs root to create cgroups");
    }

    /** @return a root name no other test run uses */
    public static String uniqueRoot() {
        return "corral-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Hierarchy v1(String controller) throws NativeException {
        Hierarchy h = Hierarchies.detect().v1(controller).orElse(null);
        if (h == null) {
            System.out.println("SKIPPED: no cgroup v1 " + controller + " hierarchy on this host");
        }
        assumeTrue(h != null, "no cgroup v1 " + controller + " hierarchy on this host");
        return h;
    }

    public static Hierarchy unified() throws NativeException {
        Hierarchy h = Hierarchies.detect().unified().orElse(null);
        if (h == null) {
            System.out.println("SKIPPED: no cgroup v2 hierarchy mounted on this host");
        }
        assumeTrue(h != null, "no cgroup v2 hierarchy mounted on this host");
        return h;
    }

    /**
     * The net_cls hierarchy, mounted at /sys/fs/cgroup/net_cls when it is not. A mount made here is
     * undone when the test JVM exits, if no cgroup is left under it; one found in place stays.
     */
    public static synchronized Hierarchy netCls() throws NativeException {
        assumeRoot();
        if (Hierarchies.detect().v1("net_cls").isEmpty()) {
            boolean createdDir = !Files.exists(HIERARCHY.resolve("net_cls"));
            Hierarchy h = Hierarchies.mountV1("net_cls", HIERARCHY);
            if (!netClsMountedHere) {
                netClsMountedHere = true;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> unmountIfUnused(h, createdDir)));
            }
            return h;
        }
        return Hierarchies.detect().v1("net_cls").orElseThrow();
    }

    private static void unmountIfUnused(Hierarchy h, boolean removeDir) {
        try {
            if (h.cgroup("").children().isEmpty()) {
                CgroupFs.umount2(h.mountPoint(), 0);
                if (removeDir) {
                    CgroupFs.rmdir(h.mountPoint());
                }
            }
        } catch (IOException e) {
            // someone else's cgroups or mount: leave it
        }
    }

    /** Sleeping processes that tests place in cgroups; {@link #close} kills whatever is left. */
    public static final class Sleepers implements AutoCloseable {
        final List<Process> processes = new ArrayList<>();

        public Process start(String... command) throws IOException {
            Process p = new ProcessBuilder(command.length == 0 ? new String[] {"sleep", "1000"} : command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            processes.add(p);
            return p;
        }

        @Override
        public void close() {
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /** Removes a test root cgroup and everything under it. */
    public static void removeQuietly(Cgroup cgroup) {
        try {
            cgroup.destroy(Duration.ofSeconds(10));
        } catch (IOException e) {
            throw new AssertionError("test left cgroup " + cgroup + " behind: " + e.getMessage(), e);
        }
    }

    /** @return the cgroup path of a process in the hierarchy with the given controller, from /proc */
    public static String cgroupOf(long pid, String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (controller.isEmpty() ? f[1].isEmpty() && f[0].equals("0")
                    : List.of(f[1].split(",")).contains(controller)) {
                return f[2];
            }
        }
        return null;
    }

    /** @return the calling thread's kernel id */
    public static long currentTid() throws IOException {
        return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    }
}
