package corral.agent.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.containerizer.FinalStatus;
import corral.agent.discovery.Origin;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.http.v1.Call;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.FrameworkID;
import corral.isolator.spi.mesos.TaskState;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints and recovery against real processes, real /proc and (as root) real cgroups. */
class RecoveryTest {

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();
    private final List<Path> cgroupRoots = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor();
        }
        for (Path root : cgroupRoots) {
            if (Files.isDirectory(root)) {
                try (var children = Files.list(root)) {
                    for (Path c : children.filter(Files::isDirectory).toList()) {
                        Files.delete(c);
                    }
                }
                Files.delete(root);
            }
        }
    }

    private Process start(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    private static ContainerID id(String value) {
        return ContainerID.newBuilder().setValue(value).build();
    }

    private ContainerConfig config(String id) {
        return ContainerConfig.newBuilder().setCommandInfo(CommandInfo.newBuilder().setValue("sleep 30"))
                .setDirectory(tmp.resolve("work/sandboxes").resolve(id).toString()).build();
    }

    private static Call.LaunchContainer launch(String id, boolean withIdentity) {
        Call.LaunchContainer.Builder b = Call.LaunchContainer.newBuilder().setContainerId(id(id))
                .setCommand(CommandInfo.newBuilder().setValue("sleep 30"));
        if (withIdentity) {
            b.setFrameworkId(FrameworkID.newBuilder().setValue("fw"))
                    .setExecutorId(corral.isolator.spi.mesos.ExecutorID.newBuilder().setValue("ex"))
                    .setTaskId(corral.isolator.spi.mesos.TaskID.newBuilder().setValue("t"));
        }
        return b.build();
    }

    /** Records what recovery asks of an isolator. */
    static final class RecordingIsolator implements Isolator {
        final String name;
        final List<String> calls;
        final boolean standalone;
        List<ContainerState> states;
        Set<ContainerID> orphans;

        RecordingIsolator(String name, List<String> calls, boolean standalone) {
            this.name = name;
            this.calls = calls;
            this.standalone = standalone;
        }

        @Override
        public boolean supportsStandalone() {
            return standalone;
        }

        @Override
        public void recover(List<ContainerState> states, Set<ContainerID> orphans) {
            this.states = states;
            this.orphans = orphans;
            calls.add(name + ".recover");
        }

        @Override
        public void cleanup(ContainerID containerId) {
            calls.add(name + ".cleanup(" + containerId.getValue() + ")");
        }
    }

    @Test
    void scanSortsRunningExitedTerminatedAndOrphanedCheckpoints() throws Exception {
        CheckpointLayout layout = new CheckpointLayout(tmp.resolve("run"));
        Checkpointer checkpointer = new Checkpointer(layout);

        Process running = start("sleep", "30");
        checkpointer.launch(id("running"), launch("running", true));
        checkpointer.config(id("running"), config("running"));
        checkpointer.pid(id("running"), running.pid());

        // the container's first process records the task's exit status as the shell sees it (exit 3 => "3") and ends
        Path status = layout.exitStatusFile(id("exited"));
        Files.createDirectories(status.getParent());
        Process exited = start("sh", "-c", "sleep 0.5; echo 3 > " + status);
        checkpointer.config(id("exited"), config("exited"));
        checkpointer.pid(id("exited"), exited.pid());
        assertTrue(exited.waitFor(10, TimeUnit.SECONDS));

        // a pid that now names another process: same pid, different start time
        long self = ProcessHandle.current().pid();
        long selfStart = ProcessIdentity.of(self).orElseThrow().startTime();
        checkpointer.config(id("reused"), config("reused"));
        Files.writeString(layout.containerDir(id("reused")).resolve("pid"), self + " " + (selfStart + 1) + "\n");

        FinalStatus done = new FinalStatus(id("done"), "/sandbox", TaskState.TASK_FINISHED, Optional.of(0),
                Optional.empty(), Optional.empty(), Optional.empty(),
                ContainerStatus.newBuilder().setContainerId(id("done")).build(), Optional.empty());
        checkpointer.config(id("done"), config("done"));
        checkpointer.terminated(done);

        checkpointer.launch(id("interrupted"), launch("interrupted", false));
        checkpointer.config(id("corrupt"), config("corrupt"));
        checkpointer.pid(id("corrupt"), running.pid());
        Files.write(layout.containerDir(id("corrupt")).resolve("config"), new byte[] {(byte) 0xff, 0x01, 0x02});

        CheckpointScan.Result scan = CheckpointScan.scan(layout);
        Map<String, RecoveredContainer> byId = scan.containers().stream()
                .collect(Collectors.toMap(c -> c.containerId().getValue(), c -> c, (a, b) -> a, TreeMap::new));
        assertEquals(Set.of("running", "exited", "reused", "done"), byId.keySet());
        assertEquals(RecoveredContainer.Kind.RUNNING, byId.get("running").kind());
        assertEquals(running.pid(), byId.get("running").process().orElseThrow().pid());
        assertEquals("fw", byId.get("running").identity().orElseThrow().frameworkId());
        assertEquals(RecoveredContainer.Kind.EXITED, byId.get("exited").kind());
        assertEquals(Optional.of(768), byId.get("exited").exitStatus());
        assertEquals(RecoveredContainer.Kind.EXITED, byId.get("reused").kind(), "a reused pid is not the container");
        assertEquals(Optional.empty(), byId.get("reused").exitStatus());
        assertEquals(RecoveredContainer.Kind.TERMINATED, byId.get("done").kind());
        assertEquals(TaskState.TASK_FINISHED, byId.get("done").termination().orElseThrow().state());
        assertEquals(List.of("corrupt", "interrupted"), scan.orphans());
        assertEquals(1, scan.problems().size());
        assertTrue(scan.problems().get(0).contains("container corrupt is unreadable"), scan.problems().get(0));
    }

    @Test
    void recoveryHandsStatesToIsolatorsAndDestroysOrphansWithTheirProcessesAndCgroups() throws Exception {
        CheckpointLayout layout = new CheckpointLayout(tmp.resolve("run"));
        Checkpointer checkpointer = new Checkpointer(layout);
        Process running = start("sleep", "30");
        checkpointer.launch(id("task"), launch("task", true));
        checkpointer.config(id("task"), config("task"));
        checkpointer.pid(id("task"), running.pid());
        Process standalone = start("sleep", "30");
        checkpointer.launch(id("alone"), launch("alone", false));
        checkpointer.config(id("alone"), config("alone"));
        checkpointer.pid(id("alone"), standalone.pid());

        // an interrupted launch whose process was already started
        Process leftover = start("sleep", "30");
        checkpointer.launch(id("orphan"), launch("orphan", false));
        checkpointer.pid(id("orphan"), leftover.pid());

        String cgroupsRoot = "corral-daemon-test-" + UUID.randomUUID().toString().substring(0, 8);
        boolean cgroups = plantCgroup(cgroupsRoot, "stray");
        // a mount the orphan left in its sandbox (root only)
        Path leftMount = tmp.resolve("work/sandboxes/orphan/tmp");
        Files.createDirectories(leftMount);
        boolean mounted = cgroups; // root
        if (mounted) {
            assertEquals(0, new ProcessBuilder("mount", "-t", "tmpfs", "corral-daemon-test", leftMount.toString())
                    .inheritIO().start().waitFor());
            assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + leftMount + " "));
        }

        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        RecordingIsolator first = new RecordingIsolator("first", calls, false);
        RecordingIsolator second = new RecordingIsolator("second", calls, true);
        List<PlannedIsolator> plan = List.of(
                new PlannedIsolator("test/first", "1", "m", Origin.BUILTIN, "", first),
                new PlannedIsolator("test/second", "1", "m", Origin.BUILTIN, "", second));
        Recovery.Result result = new Recovery(layout, tmp.resolve("work"), cgroupsRoot, plan, new HostLeftovers())
                .recover();

        assertEquals(List.of("alone", "task"), result.containers().stream().map(c -> c.containerId().getValue()).toList());
        assertEquals(List.of("alone", "task"), first.states.stream().map(s -> s.getContainerId().getValue()).toList());
        assertEquals(List.of("alone", "task"), second.states.stream().map(s -> s.getContainerId().getValue()).toList());
        assertEquals(running.pid(), second.states.get(1).getPid());
        Set<String> orphans = second.orphans.stream().map(ContainerID::getValue).collect(Collectors.toSet());
        assertEquals(cgroups ? Set.of("orphan", "stray") : Set.of("orphan"), orphans);
        assertEquals(List.of("first.recover", "second.recover"), calls.subList(0, 2));
        assertTrue(calls.indexOf("second.cleanup(orphan)") < calls.indexOf("first.cleanup(orphan)"),
                "cleanup in reverse order: " + calls);

        assertTrue(leftover.waitFor(10, TimeUnit.SECONDS), "the orphan's process is killed");
        assertFalse(Files.exists(layout.containersDir().resolve("orphan")), "the orphan's runtime dir is removed");
        assertTrue(running.isAlive() && standalone.isAlive(), "recovered containers keep running");
        assertTrue(Files.exists(layout.containersDir().resolve("task").resolve("pid")));
        if (mounted) {
            assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + leftMount + " "),
                    "the orphan's mount is detached");
        }
        assertTrue(Files.isDirectory(tmp.resolve("work/sandboxes/orphan")), "the orphan's sandbox (its logs) stays");
        if (cgroups) {
            for (Path root : cgroupRoots) {
                assertFalse(Files.exists(root.resolve("stray")), "orphan cgroup removed: " + root.resolve("stray"));
            }
        }
    }

    /** Plants a cgroup with a live process in the freezer (v1) and unified (v2) hierarchies. */
    private boolean plantCgroup(String root, String name) throws Exception {
        List<Path> hierarchies = new ArrayList<>();
        for (String h : List.of("/sys/fs/cgroup/freezer", "/sys/fs/cgroup/unified")) {
            if (Files.isWritable(Path.of(h, "cgroup.procs"))) {
                hierarchies.add(Path.of(h));
            }
        }
        if (hierarchies.isEmpty()) {
            System.out.println("RecoveryTest: no writable cgroup hierarchy (not root?); orphan cgroups not tested");
            return false;
        }
        Process stray = start("sleep", "30");
        for (Path h : hierarchies) {
            Path cgroup = h.resolve(root).resolve(name);
            Files.createDirectories(cgroup);
            cgroupRoots.add(h.resolve(root));
            Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(stray.pid()));
        }
        return true;
    }

    @Test
    void adoptedContainerIsWaitableAndKillableAndReportsTheRecordedStatus() throws Exception {
        Path status = tmp.resolve("status");
        Process p = start("sh", "-c", "trap 'echo 143 > " + status + "; exit 143' TERM; while :; do sleep 0.1; done");
        ProcessIdentity identity = ProcessIdentity.of(p.pid()).orElseThrow();
        AdoptedContainer adopted = AdoptedContainer.adopt(identity, status);
        Thread.sleep(300);
        assertFalse(adopted.exit().isDone());
        adopted.signal(Signals.SIGTERM);
        assertEquals(143 << 8, adopted.exit().get(10, TimeUnit.SECONDS), "ended by SIGTERM (128+15), as recorded");

        Process q = start("sleep", "30");
        AdoptedContainer killed = AdoptedContainer.adopt(ProcessIdentity.of(q.pid()).orElseThrow(), tmp.resolve("none"));
        killed.destroy(Duration.ZERO);
        assertTrue(q.waitFor(10, TimeUnit.SECONDS));
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> killed.exit().get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof AdoptedContainer.ExitStatusUnknownException, e.toString());
    }

    @Test
    void aStatusFileThatIsNotAFewDigitsIsRefusedWithoutBeingReadWhole() throws Exception {
        Path status = tmp.resolve("status");
        Files.writeString(status, "137\n");
        assertEquals(Optional.of(137 << 8), CheckpointScan.readExitStatus(status));
        Files.writeString(status, "");
        assertEquals(Optional.empty(), CheckpointScan.readExitStatus(status), "killed before it could write");
        Files.write(status, new byte[1 << 20]);
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> CheckpointScan.readExitStatus(status));
        assertEquals(status + " holds 1048576 bytes, not an exit status", big.getMessage());
        Files.writeString(status, "256\n");
        assertThrows(IllegalArgumentException.class, () -> CheckpointScan.readExitStatus(status));
    }

    @Test
    void atomicWriteReplacesWholeFilesAndLeavesNoTemporaries() throws Exception {
        Path file = tmp.resolve("dir/file");
        AtomicFiles.write(file, "one".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(file, "two".getBytes(StandardCharsets.UTF_8));
        assertEquals("two", Files.readString(file));
        try (var list = Files.list(file.getParent())) {
            assertEquals(List.of(file), list.toList());
        }
    }

    @Test
    void containerIdsThatCannotNameADirectoryAreRefused() {
        for (String bad : List.of("", ".", "..", "a/b", "a b", "x\u0000", "a:b", "x".repeat(243))) {
            assertTrue(CheckpointLayout.idProblem(bad) != null, "'" + bad + "'");
        }
        assertEquals(null, CheckpointLayout.idProblem("c-1.2_3"));
    }
}
