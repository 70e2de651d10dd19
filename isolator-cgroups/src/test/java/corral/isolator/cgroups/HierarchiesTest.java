package corral.isolator.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import corral.bindings.CgroupFs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class HierarchiesTest {

    private static final String HYBRID = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
            37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
            90 80 0:34 /mesos/c1 /var/lib/c1/freezer rw,relatime - cgroup cgroup rw,freezer
            """;
    private static final String UNIFIED_ONLY = """
            25 23 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
            """;
    private static final String ESCAPED = """
            50 23 0:40 / /mnt/my\\040cgroups rw,relatime shared:1 - cgroup cgroup rw,net_cls,net_prio
            """;

    @Test
    void hybridLayoutHasV1ControllersAndTheUnifiedHierarchy() {
        Hierarchies h = Hierarchies.parse(HYBRID);
        assertEquals(Set.of("cpu", "cpuacct"), h.v1("cpuacct").orElseThrow().controllers());
        assertEquals(Path.of("/sys/fs/cgroup/freezer"), h.v1("freezer").orElseThrow().mountPoint());
        assertTrue(h.v1("freezer").orElseThrow().hasFreezer());
        assertEquals(Set.of("name=systemd"), h.v1("name=systemd").orElseThrow().controllers());
        assertEquals(Path.of("/sys/fs/cgroup/unified"), h.unified().orElseThrow().mountPoint());
        assertTrue(h.v1("net_cls").isEmpty());
        assertEquals(4, h.all().size(), "the bind mount of a sub-cgroup is not a hierarchy");
        assertFalse(h.isUnifiedAt(Path.of("/sys/fs/cgroup")));
        assertTrue(h.isUnifiedAt(Path.of("/sys/fs/cgroup/unified")));
        assertEquals(Path.of("/sys/fs/cgroup/freezer"),
                h.forProcessTracking(Path.of("/sys/fs/cgroup")).orElseThrow().mountPoint());
    }

    @Test
    void unifiedOnlyLayoutIsRecognised() {
        Hierarchies h = Hierarchies.parse(UNIFIED_ONLY);
        assertEquals(CgroupVersion.V2, h.unified().orElseThrow().version());
        assertTrue(h.isUnifiedAt(Path.of("/sys/fs/cgroup")));
        assertTrue(h.v1("net_cls").isEmpty());
        assertEquals(h.unified(), h.forProcessTracking(Path.of("/sys/fs/cgroup")));
    }

    @Test
    void escapedMountPointsAreDecoded() {
        Hierarchies h = Hierarchies.parse(ESCAPED);
        assertEquals(Path.of("/mnt/my cgroups"), h.v1("net_prio").orElseThrow().mountPoint());
    }

    @Test
    void detectionMatchesWhatIsMountedOnThisHost() throws Exception {
        Hierarchies h = Hierarchies.detect();
        assertFalse(h.all().isEmpty(), "this host mounts cgroups");
        for (Hierarchy each : h.all()) {
            // v1 hierarchies have a tasks file in their root, the v2 one has cgroup.controllers and no tasks
            if (each.version() == CgroupVersion.V1) {
                assertTrue(Files.exists(each.mountPoint().resolve("tasks")), each.toString());
            } else {
                assertTrue(Files.exists(each.mountPoint().resolve("cgroup.controllers")), each.toString());
                assertFalse(Files.exists(each.mountPoint().resolve("tasks")), each.toString());
            }
        }
        String self = Files.readString(Path.of("/proc/self/cgroup"));
        assertEquals(self.lines().anyMatch(l -> l.startsWith("0::")), h.unified().isPresent(),
                "a process has a v2 line in /proc/self/cgroup exactly when cgroup2 is mounted");
    }

    @Test
    void netClsIsMountedWhenMissing() throws Exception {
        Hierarchy netCls = TestCgroups.netCls();
        assertTrue(netCls.controllers().contains("net_cls"), netCls.toString());
        assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).lines()
                .anyMatch(l -> l.contains(" " + netCls.mountPoint() + " ") && l.endsWith("net_cls")));
        assertTrue(Files.exists(netCls.mountPoint().resolve("net_cls.classid")));
        // asking again finds the same mount instead of mounting twice
        assertEquals(netCls, Hierarchies.mountV1("net_cls", TestCgroups.HIERARCHY));
        long mounts = Files.readString(Path.of("/proc/self/mountinfo")).lines()
                .filter(l -> l.contains(" " + netCls.mountPoint() + " ")).count();
        assertEquals(1, mounts);
    }

    @Test
    void concurrentMountsOfOneControllerLeaveOneMount() throws Exception {
        TestCgroups.assumeRoot();
        // a controller nobody mounts, in a private hierarchy root, so nothing else is disturbed
        String controller = null;
        for (String candidate : List.of("net_prio", "perf_event")) {
            boolean unmounted = Files.readAllLines(Path.of("/proc/cgroups")).stream()
                    .anyMatch(l -> l.matches(candidate + "\\s+0\\s+\\d+\\s+1"));
            if (unmounted && Hierarchies.detect().v1(candidate).isEmpty()) {
                controller = candidate;
                break;
            }
        }
        Assumptions.assumeTrue(controller != null, "no unmounted v1 controller to try");
        Path root = Files.createTempDirectory(Path.of("/var/tmp"), "corral-test-");
        String name = controller;
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<Hierarchy>> mounts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                mounts.add(pool.submit(() -> {
                    start.await();
                    return Hierarchies.mountV1(name, root);
                }));
            }
            for (Future<Hierarchy> m : mounts) {
                assertEquals(root.resolve(name), m.get().mountPoint());
            }
            long count = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .filter(l -> l.split(" ")[4].equals(root.resolve(name).toString())).count();
            assertEquals(1, count, "one mount, none stacked");
        } finally {
            pool.shutdown();
            while (Hierarchies.detect().v1(name).filter(h -> h.mountPoint().startsWith(root)).isPresent()) {
                CgroupFs.umount2(root.resolve(name), 0);
            }
            Files.deleteIfExists(root.resolve(name));
            Files.delete(root);
        }
    }

    @Test
    void whyAControllerCannotBeMountedIsToldWithoutMountingIt() throws Exception {
        Hierarchies h = Hierarchies.detect();
        assertEquals(Optional.of("this kernel has no bogus controller"), h.v1Unavailable("bogus"));
        assertEquals(Optional.empty(), h.v1Unavailable("freezer"), "mounted");
        // on this kind of host hugetlb is the one controller left to cgroup2
        Optional<Hierarchy> unified = h.unified().filter(u -> u.controllers().contains("hugetlb"));
        if (unified.isPresent()) {
            assertEquals(Optional.of("the hugetlb controller is bound to the cgroup v2 hierarchy at "
                    + unified.get().mountPoint()), h.v1Unavailable("hugetlb"));
        }
    }
}
