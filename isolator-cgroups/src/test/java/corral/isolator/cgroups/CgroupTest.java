package corral.isolator.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.bindings.NativeException;
import corral.isolator.spi.mesos.ContainerID;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The support library on the real kernel: cgroups made, joined, killed and removed. */
class CgroupTest {

    private final String root = TestCgroups.uniqueRoot();
    private final TestCgroups.Sleepers sleepers = new TestCgroups.Sleepers();
    private final java.util.List<Cgroup> roots = new java.util.ArrayList<>();

    @BeforeEach
    void root() {
        TestCgroups.assumeRoot();
    }

    @AfterEach
    void clean() {
        sleepers.close();
        for (Cgroup r : roots) {
            TestCgroups.removeQuietly(r);
            assertFalse(r.exists(), "left behind: " + r);
        }
    }

    private Cgroup rootIn(Hierarchy h) {
        Cgroup r = h.cgroup(root);
        roots.add(r);
        return r;
    }

    @Test
    void createJoinKillRemoveInTheFreezerHierarchy() throws Exception {
        Hierarchy freezer = TestCgroups.v1("freezer");
        rootIn(freezer);
        Cgroup c = ContainerCgroups.of(root).cgroup(freezer, ContainerID.newBuilder().setValue("c1").build()).create();
        assertTrue(Files.isDirectory(freezer.mountPoint().resolve(root).resolve("c1")));

        Process a = sleepers.start();
        Process b = sleepers.start();
        new FreezerController().apply(c, a.pid());
        c.addProcess(b.pid());
        assertEquals(Set.of(a.pid(), b.pid()), c.processes());
        assertEquals("/" + root + "/c1", TestCgroups.cgroupOf(a.pid(), "freezer"));

        c.destroy(Duration.ofSeconds(10));
        assertTrue(a.waitFor(5, TimeUnit.SECONDS) && b.waitFor(5, TimeUnit.SECONDS));
        assertEquals(137, a.exitValue(), "killed by SIGKILL");
        assertFalse(c.exists());
        assertEquals(Set.of(), c.processes(), "a removed cgroup is empty");
    }

    @Test
    void killReachesChildrenForkedInsideTheCgroupAndNestedCgroups() throws Exception {
        Hierarchy freezer = TestCgroups.v1("freezer");
        Cgroup c = rootIn(freezer).child("c1").create();
        Cgroup nested = c.child("mesos").child("c2").create();
        // the shell forks its sleeps after it joined, so they start inside the cgroup
        Process sh = sleepers.start("sh", "-c", "read x; sleep 1000 & sleep 1000 & wait");
        c.addProcess(sh.pid());
        sh.getOutputStream().write('\n');
        sh.getOutputStream().close();
        Process inNested = sleepers.start();
        nested.addProcess(inNested.pid());
        waitUntil(() -> c.processes().size() == 3);
        List<ProcessHandle> forked = sh.descendants().toList();
        assertEquals(2, forked.size());

        c.kill(Duration.ofSeconds(10));
        assertEquals(Set.of(), c.processes());
        assertEquals(Set.of(), nested.processes());
        assertTrue(sh.waitFor(5, TimeUnit.SECONDS) && inNested.waitFor(5, TimeUnit.SECONDS));
        for (ProcessHandle p : forked) {
            p.onExit().get(5, TimeUnit.SECONDS);
        }
        assertTrue(c.exists() && nested.exists(), "kill does not remove");
        assertEquals("THAWED", new FreezerController().state(c), "left thawed for the next kill or removal");
    }

    @Test
    void v2CgroupsAreKilledWithCgroupKill() throws Exception {
        Hierarchy unified = TestCgroups.unified();
        Cgroup c = rootIn(unified).child("c1").create();
        Process a = sleepers.start();
        c.addProcess(a.pid());
        assertEquals("/" + root + "/c1", TestCgroups.cgroupOf(a.pid(), ""));
        c.destroy(Duration.ofSeconds(10));
        assertTrue(a.waitFor(5, TimeUnit.SECONDS));
        assertEquals(137, a.exitValue());
        assertFalse(c.exists());
    }

    @Test
    void killNeverTakesTheCallingJvmWithIt() throws Exception {
        Hierarchy unified = TestCgroups.unified();
        long self = ProcessHandle.current().pid();
        String original = TestCgroups.cgroupOf(self, "");
        Cgroup c = rootIn(unified).child("with-jvm").create();
        Process a = sleepers.start();
        c.addProcess(a.pid());
        c.addProcess(self); // on v2 the whole JVM moves: cgroup.kill here would kill this test
        try {
            c.kill(Duration.ofSeconds(10));
            assertTrue(a.waitFor(5, TimeUnit.SECONDS));
            assertEquals(Set.of(self), c.processes());
        } finally {
            unified.cgroup(original.substring(1)).addProcess(self);
        }
        assertEquals(original, TestCgroups.cgroupOf(self, ""));
        assertThrows(IllegalStateException.class, () -> unified.cgroup("").kill(Duration.ZERO),
                "never every process of the host");
    }

    @Test
    void rmdirIsRetriedWhileTheCgroupIsBusy() throws Exception {
        Hierarchy freezer = TestCgroups.v1("freezer");
        Cgroup c = rootIn(freezer).child("busy").create();
        // a thread of this JVM keeps the cgroup busy for a while: kill skips it, rmdir gets EBUSY
        CompletableFuture<Void> inside = new CompletableFuture<>();
        Thread holder = new Thread(() -> {
            try {
                long tid = TestCgroups.currentTid();
                c.addThread(tid);
                inside.complete(null);
                Thread.sleep(300);
                freezer.cgroup("").addThread(tid);
            } catch (Exception e) {
                inside.completeExceptionally(e);
            }
        });
        holder.start();
        inside.get(5, TimeUnit.SECONDS);
        NativeException busy = assertThrows(NativeException.class, () -> c.destroy(Duration.ZERO));
        assertEquals("rmdir " + c.path() + ": EBUSY (Device or resource busy)", busy.getMessage());
        long start = System.nanoTime();
        c.destroy(Duration.ofSeconds(10));
        assertFalse(c.exists());
        assertTrue(System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(100), "it waited for the thread");
        holder.join();
    }

    @Test
    void kernelErrorsNameTheCallPathAndErrno() throws Exception {
        Hierarchy freezer = TestCgroups.v1("freezer");
        Cgroup c = rootIn(freezer).child("c1").create();
        NativeException e = assertThrows(NativeException.class, () -> c.write("freezer.state", "MELTED"));
        assertEquals("write " + c.path().resolve("freezer.state") + ": EINVAL (Invalid argument)", e.getMessage());
        NativeException gone = assertThrows(NativeException.class, () -> c.addProcess(999_999_999L));
        assertTrue(gone.getMessage().startsWith("write " + c.path().resolve("cgroup.procs") + ": "), gone.getMessage());
        assertThrows(IllegalArgumentException.class, () -> freezer.cgroup("../escape"));
        assertThrows(IllegalArgumentException.class, () -> freezer.cgroup("/abs"));
        assertThrows(IllegalArgumentException.class, () -> c.read("../tasks"));
    }

    @Test
    void orphanDiscoveryListsTheContainersUnderTheRoot() throws Exception {
        Hierarchy freezer = TestCgroups.v1("freezer");
        ContainerCgroups scheme = ContainerCgroups.of(root);
        assertEquals(List.of(), scheme.containers(freezer), "no root cgroup yet");
        rootIn(freezer);
        ContainerID a = ContainerID.newBuilder().setValue("a").build();
        ContainerID b = ContainerID.newBuilder().setValue("b").build();
        ContainerID nested = ContainerID.newBuilder().setValue("n").setParent(a).build();
        scheme.cgroup(freezer, a).create();
        scheme.cgroup(freezer, b).create();
        scheme.cgroup(freezer, nested).create();
        assertEquals(root + "/a/mesos/n", scheme.relativePath(nested));
        assertEquals(List.of(a, b), scheme.containers(freezer));
        assertThrows(IllegalArgumentException.class,
                () -> scheme.relativePath(ContainerID.newBuilder().setValue("..").build()));
        assertThrows(IllegalArgumentException.class,
                () -> scheme.relativePath(ContainerID.newBuilder().setValue("a/b").build()));
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!check.ok()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(5);
        }
    }
}
