package corral.isolator.cgroups.netcls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.isolator.cgroups.Cgroup;
import corral.isolator.cgroups.Hierarchy;
import corral.isolator.cgroups.TestCgroups;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.LinuxInfo;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerState;
import corral.isolator.testkit.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cgroups/net_cls on the real kernel: real net_cls cgroups, real processes placed in them. */
class NetClsIsolatorTest {

    @TempDir
    Path work;

    private final String root = TestCgroups.uniqueRoot();
    private final TestCgroups.Sleepers sleepers = new TestCgroups.Sleepers();
    private Hierarchy netCls;

    @BeforeEach
    void mount() throws Exception {
        netCls = TestCgroups.netCls();
    }

    @AfterEach
    void clean() {
        sleepers.close();
        Cgroup r = netCls.cgroup(root);
        TestCgroups.removeQuietly(r);
        assertFalse(r.exists());
    }

    private Isolator isolator(String primary, String secondary) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("corral.cgroups.cgroups_root", root);
        if (primary != null) {
            settings.put("corral.cgroups.cgroups_net_cls_primary_handle", primary);
        }
        if (secondary != null) {
            settings.put("corral.cgroups.cgroups_net_cls_secondary_handles", secondary);
        }
        getClass().getModule().addUses(IsolatorProvider.class);
        IsolatorProvider provider = ServiceLoader.load(IsolatorProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.id().equals("cgroups/net_cls")).findFirst()
                .orElseThrow();
        return provider.create(TestContext.of(work, settings, "cgroups/net_cls")).isolator()
                .orElseThrow(() -> new AssertionError(provider.create(TestContext.of(work, settings))));
    }

    private static ContainerID id(String value) {
        return ContainerID.newBuilder().setValue(value).build();
    }

    private ContainerConfig config() {
        return ContainerConfig.newBuilder().setCommandInfo(CommandInfo.newBuilder().setValue("sleep 1000"))
                .setDirectory(work.toString()).build();
    }

    private static long classid(Isolator isolator, ContainerID id) {
        ContainerStatus.Builder status = ContainerStatus.newBuilder();
        isolator.status(id, status);
        return status.hasCgroupInfo() ? Integer.toUnsignedLong(status.getCgroupInfo().getNetCls().getClassid()) : -1;
    }

    private Path cgroupDir(String container) {
        return netCls.mountPoint().resolve(root).resolve(container);
    }

    @Test
    void isolateWritesTheClassidAndPlacesTheProcess() throws Exception {
        Isolator isolator = isolator("18", "0x0011,0x0012");
        ContainerID c = id("c1");
        assertTrue(isolator.prepare(c, config()).isEmpty());
        Process task = sleepers.start();
        isolator.isolate(c, task.pid());

        assertEquals("1179665", Files.readString(cgroupDir("c1").resolve("net_cls.classid")).trim());
        assertEquals("/" + root + "/c1", TestCgroups.cgroupOf(task.pid(), "net_cls"));
        assertEquals(1179665L, classid(isolator, c), "0x12:0x11, the lowest free secondary");

        isolator.cleanup(c);
        assertTrue(task.waitFor(5, TimeUnit.SECONDS), "cleanup kills what is left in the cgroup");
        assertFalse(Files.exists(cgroupDir("c1")));
        isolator.cleanup(c); // again, and for a container never seen: no-ops
        isolator.cleanup(id("never-seen"));
    }

    @Test
    void withoutAPrimaryHandleContainersGetACgroupButNoClassid() throws Exception {
        Isolator isolator = isolator(null, "0x1,0x2");
        ContainerID c = id("c1");
        isolator.prepare(c, config());
        Process task = sleepers.start();
        isolator.isolate(c, task.pid());
        assertEquals("0", Files.readString(cgroupDir("c1").resolve("net_cls.classid")).trim());
        assertEquals("/" + root + "/c1", TestCgroups.cgroupOf(task.pid(), "net_cls"));
        assertEquals(-1, classid(isolator, c), "no cgroup_info in the status");
        isolator.cleanup(c);
        assertFalse(Files.exists(cgroupDir("c1")));
    }

    @Test
    void fiftyConcurrentPreparesGetFiftyDistinctHandles() throws Exception {
        Isolator isolator = isolator("0x12", null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Long>> jobs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ContainerID c = id("c" + i);
                jobs.add(() -> {
                    isolator.prepare(c, config());
                    return classid(isolator, c);
                });
            }
            Set<Long> classids = new HashSet<>();
            for (Future<Long> f : pool.invokeAll(jobs)) {
                classids.add(f.get());
            }
            Set<Long> expected = new HashSet<>();
            for (long s = 1; s <= 50; s++) {
                expected.add(0x120000L | s);
            }
            assertEquals(expected, classids);
        } finally {
            pool.shutdown();
        }
        for (int i = 0; i < 50; i++) {
            isolator.cleanup(id("c" + i));
        }
    }

    @Test
    void aFreedHandleIsReusedLowestFirst() {
        Isolator isolator = isolator("0x12", null);
        for (String c : List.of("a", "b", "c")) {
            isolator.prepare(id(c), config());
        }
        assertEquals(0x120002L, classid(isolator, id("b")));
        isolator.cleanup(id("b"));
        isolator.prepare(id("d"), config());
        assertEquals(0x120002L, classid(isolator, id("d")));
        isolator.prepare(id("e"), config());
        assertEquals(0x120004L, classid(isolator, id("e")));
        for (String c : List.of("a", "c", "d", "e")) {
            isolator.cleanup(id(c));
        }
    }

    @Test
    void exhaustionFailsThePrepareAndLeavesNothingBehind() {
        Isolator isolator = isolator("0x12", "0x1,0x2");
        isolator.prepare(id("a"), config());
        isolator.prepare(id("b"), config());
        IsolatorException e = assertThrows(IsolatorException.class, () -> isolator.prepare(id("c"), config()));
        assertEquals("Failed to allocate a net_cls handle: No free handles remaining for primary handle 0x12",
                e.getMessage());
        assertFalse(Files.exists(cgroupDir("c")));
        assertEquals(-1, classid(isolator, id("c")));
        isolator.cleanup(id("a"));
        // c was not half-registered: it can be prepared again and gets the freed handle
        isolator.prepare(id("c"), config());
        assertEquals(0x120001L, classid(isolator, id("c")));
        assertEquals("The subsystem 'net_cls' has already been prepared",
                assertThrows(IsolatorException.class, () -> isolator.prepare(id("c"), config())).getMessage());
        isolator.cleanup(id("b"));
        isolator.cleanup(id("c"));
    }

    @Test
    void recoveryReservesTheHandlesOfLiveContainers() throws Exception {
        Isolator before = isolator("0x12", null);
        Process a = sleepers.start();
        Process b = sleepers.start();
        before.prepare(id("a"), config());
        before.isolate(id("a"), a.pid());
        before.prepare(id("b"), config());
        before.isolate(id("b"), b.pid());

        // the agent restarts: a new isolator over the same cgroups
        Isolator after = isolator("0x12", null);
        after.recover(List.of(state("a", a.pid()), state("b", b.pid())), Set.of());
        assertEquals(0x120001L, classid(after, id("a")));
        assertEquals(0x120002L, classid(after, id("b")));
        after.prepare(id("c"), config());
        assertEquals(0x120003L, classid(after, id("c")), "a live handle is never handed out twice");
        assertTrue(a.isAlive() && b.isAlive(), "recovery leaves known containers running");

        after.cleanup(id("a"));
        after.prepare(id("d"), config());
        assertEquals(0x120001L, classid(after, id("d")), "a recovered handle is freed by cleanup");
        for (String c : List.of("b", "c", "d")) {
            after.cleanup(id(c));
        }
    }

    @Test
    void recoveryDestroysCgroupsTheAgentDoesNotKnow() throws Exception {
        Isolator before = isolator("0x12", null);
        Process known = sleepers.start();
        Process unknown = sleepers.start();
        before.prepare(id("known"), config());
        before.isolate(id("known"), known.pid());
        before.prepare(id("unknown"), config());
        before.isolate(id("unknown"), unknown.pid());

        Isolator after = isolator("0x12", null);
        after.recover(List.of(state("known", known.pid())), Set.of());
        assertTrue(unknown.waitFor(5, TimeUnit.SECONDS));
        assertFalse(Files.exists(cgroupDir("unknown")));
        assertTrue(known.isAlive());
        after.prepare(id("next"), config());
        assertEquals(0x120002L, classid(after, id("next")), "the unknown orphan's handle is free again");
        after.cleanup(id("known"));
        after.cleanup(id("next"));
    }

    @Test
    void recoveryFailsWhenALiveHandleIsOutsideTheNewRange() throws Exception {
        Isolator before = isolator("0x12", null);
        Process a = sleepers.start();
        before.prepare(id("a"), config());
        before.isolate(id("a"), a.pid());
        Isolator after = isolator("0x12", "0x10,0x20");
        IsolatorException e = assertThrows(IsolatorException.class,
                () -> after.recover(List.of(state("a", a.pid())), Set.of()));
        assertEquals("Failed to recover the net_cls handle: Failed to reserve the handle: "
                + "Secondary handle 0x1 not present in secondary handle range ", e.getMessage());
        before.cleanup(id("a"));
    }

    @Test
    void nestedContainersShareTheirParentsCgroupUnlessToldNotTo() throws Exception {
        Isolator isolator = isolator("0x12", null);
        ContainerID parent = id("p");
        ContainerID shared = ContainerID.newBuilder().setValue("n1").setParent(parent).build();
        ContainerID own = ContainerID.newBuilder().setValue("n2").setParent(parent).build();
        isolator.prepare(parent, config());
        isolator.prepare(shared, config());
        ContainerConfig separate = config().toBuilder().setContainerInfo(ContainerInfo.newBuilder()
                .setType(ContainerInfo.Type.MESOS).setLinuxInfo(LinuxInfo.newBuilder().setShareCgroups(false)))
                .build();
        isolator.prepare(own, separate);
        Process p = sleepers.start();
        Process n1 = sleepers.start();
        Process n2 = sleepers.start();
        isolator.isolate(parent, p.pid());
        isolator.isolate(shared, n1.pid());
        isolator.isolate(own, n2.pid());
        assertEquals("/" + root + "/p", TestCgroups.cgroupOf(n1.pid(), "net_cls"));
        assertEquals("/" + root + "/p/mesos/n2", TestCgroups.cgroupOf(n2.pid(), "net_cls"));
        assertEquals(0x120001L, classid(isolator, shared), "a sharing container reports its parent's status");
        assertEquals(0x120002L, classid(isolator, own));
        isolator.cleanup(shared);
        assertTrue(n1.isAlive(), "a sharing container's cleanup leaves the parent's cgroup alone");
        isolator.cleanup(own);
        isolator.cleanup(parent);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS) && n1.waitFor(5, TimeUnit.SECONDS) && n2.waitFor(5, TimeUnit.SECONDS));
        assertFalse(Files.exists(cgroupDir("p")));
    }

    private static ContainerState state(String id, long pid) {
        return ContainerState.newBuilder().setContainerId(id(id)).setPid(pid).setDirectory("/tmp").build();
    }

}
