package corral.agent.launcher.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.LaunchedContainer;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.MountFlags;
import corral.isolator.spi.mesos.CapabilityInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Linux launcher on the real kernel: namespaces, mounts, cgroups, signals, exit statuses. */
class LinuxLauncherTest {

    private static final int PID_AND_MOUNT = LinuxNamespaces.CLONE_NEWPID;
    private static final String ROOT = "corral-linuxtest-" + UUID.randomUUID().toString().substring(0, 8);
    private static LinuxLauncher launcher;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireRoot() throws LaunchException {
        if (!LinuxLauncher.available()) {
            System.out.println("SKIPPED LinuxLauncherTest: needs root (namespaces, mounts, cgroups)");
        }
        Assumptions.assumeTrue(LinuxLauncher.available(), "needs root");
        launcher = new LinuxLauncher(ROOT);
    }

    @AfterAll
    static void removeCgroupRoot() throws IOException {
        corral.isolator.cgroups.Hierarchy h = ContainerCgroup.findHierarchy();
        if (h != null) {
            Files.deleteIfExists(h.mountPoint().resolve(ROOT));
        }
    }

    private LaunchSpec spec(ContainerLaunchInfo info, String... argv) throws IOException {
        return specAs(info, null, argv);
    }

    private LaunchSpec specAs(ContainerLaunchInfo info, String user, String... argv) throws IOException {
        String id = "c" + UUID.randomUUID().toString().substring(0, 12);
        Path sandbox = Files.createDirectories(dir.resolve(id));
        return new LaunchSpec(ContainerID.newBuilder().setValue(id).build(), sandbox, info, List.of(argv),
                Map.of("PATH", "/usr/bin:/bin", "MARK", "a b"), sandbox, user, sandbox.resolve("stdout"),
                sandbox.resolve("stderr"), sandbox.resolve("status"));
    }

    private static ContainerLaunchInfo ns(int... flags) {
        ContainerLaunchInfo.Builder b = ContainerLaunchInfo.newBuilder();
        for (int f : flags) {
            b.addCloneNamespaces(f);
        }
        return b.build();
    }

    private static int run(LaunchedContainer c) throws Exception {
        c.start();
        return c.exit().get(30, TimeUnit.SECONDS);
    }

    private static String out(LaunchSpec s) throws IOException {
        return Files.readString(s.stdout());
    }

    /**
     * The host's mounts a launch could leak: proc mounts and anything under this test's directory
     * (other engineers' tests mount and unmount elsewhere on the shared host meanwhile).
     */
    private String mountinfo() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(" - proc ") || l.split(" ")[4].startsWith(dir.toString()))
                .sorted().collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void pidNamespaceInitIsTheSpawnedPidAndTheTaskSeesOnlyItsContainer() throws Exception {
        String before = mountinfo();
        LaunchSpec s = spec(ns(PID_AND_MOUNT), "sh", "-c", "echo $$; cat /proc/1/cmdline | tr '\\0' ' '; echo; ps -e -o pid=,comm=");
        LaunchedContainer c = launcher.launch(s);
        String status = Files.readString(Path.of("/proc/" + c.pid() + "/status"));
        assertTrue(status.contains("NSpid:\t" + c.pid() + "\t1\n"), status);
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")),
                Files.readSymbolicLink(Path.of("/proc/" + c.pid() + "/ns/pid")));
        assertEquals(0, run(c));
        List<String> lines = out(s).lines().toList();
        assertEquals("2", lines.get(0), "the task is the first child of the supervisor (PID 1)");
        assertTrue(lines.get(1).startsWith("/bin/sh -c " + Supervisor.INIT.lines().findFirst().orElseThrow()), lines.get(1));
        List<String> ps = lines.stream().map(String::trim).filter(l -> l.matches("\\d+ \\S+")).toList();
        assertEquals(3, ps.size(), out(s));
        assertEquals("1 sh", ps.get(0));
        assertEquals("2 sh", ps.get(1));
        assertTrue(ps.get(2).endsWith(" ps"), ps.get(2));
        assertEquals(before, mountinfo(), "no mount of the container reaches the host");
        assertEquals("0\n", Files.readString(s.exitStatusFile()));
        assertTrue(((LinuxContainer) c).cgroup().isEmpty(), "a pid namespace needs no cgroup to be killed");
    }

    @Test
    void taskStartsInItsCgroupWithCleanSignalsOnlyThreeFdsAndExactlyTheGivenEnvironment() throws Exception {
        List<String> agentCgroupsBefore = threadCgroups();
        LaunchSpec s = spec(ns(LinuxNamespaces.CLONE_NEWNS), "sh", "-c",
                "cat /proc/self/cgroup; grep -E '^Sig(Blk|Ign)' /proc/self/status; ls /proc/$$/fd; echo ENV; env");
        LinuxContainer c = (LinuxContainer) launcher.launch(s);
        Path cgroup = c.cgroup().orElseThrow();
        assertEquals(List.of(c.pid()), pids(cgroup), "the held init is in the cgroup before it runs anything");
        if (Files.exists(cgroup.resolve("tasks"))) {
            assertEquals(List.of(String.valueOf(c.pid())), Files.readAllLines(cgroup.resolve("tasks")),
                    "the launch thread left the cgroup before launch() returned");
        }
        assertEquals(0, run(c));
        String text = out(s);
        assertTrue(text.contains(":freezer:/" + ROOT + "/" + s.containerId().getValue() + "\n"), text);
        assertTrue(text.contains("SigBlk:\t0000000000000000\n"), text);
        assertTrue(text.contains("SigIgn:\t0000000000000000\n"), text);
        assertEquals(List.of("0", "1", "2"), text.lines().filter(l -> l.matches("\\d+")).toList(), text);
        Set<String> env = new TreeSet<>(text.lines().dropWhile(l -> !l.equals("ENV")).skip(1).toList());
        assertEquals(Set.of("MARK=a b", "PATH=/usr/bin:/bin", "PWD=" + s.workingDirectory()), env, text);
        assertEquals(agentCgroupsBefore, threadCgroups(), "no agent thread entered a container cgroup");
        assertFalse(Files.exists(cgroup), "cgroup removed after the exit");
    }

    private static List<Long> pids(Path cgroup) throws IOException {
        return Files.readAllLines(cgroup.resolve("cgroup.procs")).stream().map(Long::parseLong).toList();
    }

    private static List<String> threadCgroups() throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    all.add(Files.readString(t.resolve("cgroup")));
                } catch (IOException gone) {
                    // thread ended meanwhile
                }
            }
        }
        return all.stream().distinct().sorted().toList();
    }

    @Test
    void stdoutAndStderrGoToTheirFilesAndExitStatusIsExact() throws Exception {
        LaunchSpec s = spec(ns(PID_AND_MOUNT), "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3 << 8, run(launcher.launch(s)));
        assertEquals("out\n", out(s));
        assertEquals("err\n", Files.readString(s.stderr()));
        assertEquals("3\n", Files.readString(s.exitStatusFile()), "the shell's $?, as recovery reads it");

        LaunchSpec k = spec(ns(PID_AND_MOUNT), "sleep", "30");
        LaunchedContainer c = launcher.launch(k);
        c.start();
        c.signal(9);
        int raw = c.exit().get(10, TimeUnit.SECONDS);
        assertEquals(9, raw, "killed by SIGKILL: exit code 137");
    }

    @Test
    void sigtermIsForwardedToTheTaskAndItsExitCodePropagates() throws Exception {
        LaunchSpec s = spec(ns(PID_AND_MOUNT), "sh", "-c", "trap 'echo got; exit 7' TERM; echo ready; while :; do sleep 0.05; done");
        LaunchedContainer c = launcher.launch(s);
        c.start();
        awaitText(s.stdout(), "ready");
        c.signal(15);
        assertEquals(7 << 8, c.exit().get(10, TimeUnit.SECONDS));
        assertEquals("ready\ngot\n", out(s));
    }

    @Test
    void orphansAreReaped() throws Exception {
        LaunchSpec s = spec(ns(PID_AND_MOUNT), "sh", "-c", "( sleep 0.1 & ); sleep 0.6; ps -e -o stat=,comm=");
        assertEquals(0, run(launcher.launch(s)));
        assertFalse(out(s).lines().anyMatch(l -> l.trim().startsWith("Z")), out(s));
    }

    @Test
    void destroyStopsGracefullyOrKillsAfterTheGrace() throws Exception {
        LaunchSpec polite = spec(ns(PID_AND_MOUNT), "sleep", "30");
        LaunchedContainer c = launcher.launch(polite);
        c.start();
        Thread.sleep(100);
        c.destroy(Duration.ofSeconds(10));
        assertEquals(143 << 8, c.exit().getNow(-1), "sleep died of the forwarded SIGTERM: the init exits 143");
        assertEquals("143\n", Files.readString(polite.exitStatusFile()));

        LaunchSpec stubborn = spec(ns(PID_AND_MOUNT), "sh", "-c", "trap '' TERM; echo ready; sleep 30 & wait");
        LaunchedContainer d = launcher.launch(stubborn);
        d.start();
        awaitText(stubborn.stdout(), "ready");
        long t0 = System.nanoTime();
        d.destroy(Duration.ofMillis(300));
        assertTrue(System.nanoTime() - t0 >= 300_000_000L);
        assertEquals(9, d.exit().getNow(-1));
    }

    @Test
    void withoutPidNamespaceDestroyKillsEveryProcessThroughTheCgroup() throws Exception {
        LaunchSpec s = spec(ns(LinuxNamespaces.CLONE_NEWNS), "sh", "-c", "sleep 30 & sleep 31 & echo ready; wait");
        LinuxContainer c = (LinuxContainer) launcher.launch(s);
        c.start();
        awaitText(s.stdout(), "ready");
        List<Long> members = pids(c.cgroup().orElseThrow());
        assertEquals(4, members.size(), "the supervisor, sh and its two sleeps: " + members);
        c.destroy(Duration.ZERO);
        assertEquals(9, c.exit().getNow(-1));
        for (long pid : members) {
            // gone, or a zombie waiting for the host's init to reap it
            Path stat = Path.of("/proc/" + pid + "/stat");
            String state = Files.exists(stat) ? Files.readString(stat).replaceAll(".*\\) (\\S).*\\s*", "$1") : "gone";
            assertTrue(state.equals("gone") || state.equals("Z"), "process " + pid + " survived: " + state);
        }
        assertFalse(Files.exists(c.cgroup().orElseThrow()));
    }

    @Test
    void onCgroup2TheHeldInitIsPlacedAndCgroupKillStopsEveryProcess() throws Exception {
        corral.isolator.cgroups.Hierarchy v2 = corral.isolator.cgroups.Hierarchies.detect().unified().orElse(null);
        if (v2 == null) {
            System.out.println("SKIPPED onCgroup2...: no cgroup2 hierarchy mounted");
        }
        Assumptions.assumeTrue(v2 != null, "no cgroup2 hierarchy");
        LinuxLauncher onV2 = new LinuxLauncher(ROOT, v2);
        LaunchSpec s = spec(ns(LinuxNamespaces.CLONE_NEWNS), "sh", "-c",
                "grep '^0::' /proc/self/cgroup; sleep 30 & sleep 31 & echo ready; wait");
        LinuxContainer c = (LinuxContainer) onV2.launch(s);
        Path cgroup = c.cgroup().orElseThrow();
        assertTrue(cgroup.startsWith(v2.mountPoint()), cgroup.toString());
        assertEquals(List.of(c.pid()), pids(cgroup), "placed while held, before it forked");
        c.start();
        awaitText(s.stdout(), "ready");
        assertTrue(out(s).startsWith("0::/" + ROOT + "/" + s.containerId().getValue() + "\n"), out(s));
        List<Long> members = pids(cgroup);
        assertEquals(4, members.size(), "the supervisor, sh and its two sleeps: " + members);
        c.destroy(Duration.ZERO);
        assertEquals(9, c.exit().getNow(-1));
        for (long pid : members) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            String state = Files.exists(stat) ? Files.readString(stat).replaceAll(".*\\) (\\S).*\\s*", "$1") : "gone";
            assertTrue(state.equals("gone") || state.equals("Z"), "process " + pid + " survived: " + state);
        }
        assertFalse(Files.exists(cgroup));
        Files.deleteIfExists(v2.mountPoint().resolve(ROOT));
    }

    @Test
    void abortedContainerNeverRunsItsCommand() throws Exception {
        LaunchSpec s = spec(ns(PID_AND_MOUNT), "touch", "ran");
        LaunchedContainer c = launcher.launch(s);
        c.abort();
        int raw = c.exit().getNow(-1);
        assertTrue(raw == 9 || raw == 1 << 8, "killed, or ended on the closed pipe: " + raw);
        assertFalse(Files.exists(s.sandbox().resolve("ran")));
    }

    @Test
    void readOnlyVolumeRefusesWritesEvenInItsSubmountsAndReadWriteVolumeReachesTheHost() throws Exception {
        Path roSource = Files.createDirectories(dir.resolve("ro-src"));
        Path rwSource = Files.createDirectories(dir.resolve("rw-src"));
        Path roTarget = Files.createDirectories(dir.resolve("ro-dst"));
        Path rwTarget = Files.createDirectories(dir.resolve("rw-dst"));
        Files.writeString(roSource.resolve("seen"), "x");
        // a mount below the read-only volume's source, on the host: it must turn read-only as well
        Path sub = Files.createDirectories(roSource.resolve("sub"));
        corral.bindings.Mounts.mount("tmpfs", sub.toString(), "tmpfs", 0, "size=1m");
        try {
            String before = mountinfo();
            int bind = MountFlags.MS_BIND | MountFlags.MS_REC;
            ContainerLaunchInfo info = ContainerLaunchInfo.newBuilder(ns(PID_AND_MOUNT))
                    .addMounts(ContainerMountInfo.newBuilder().setSource(roSource.toString())
                            .setTarget(roTarget.toString()).setFlags(bind | MountFlags.MS_RDONLY))
                    .addMounts(ContainerMountInfo.newBuilder().setSource(rwSource.toString())
                            .setTarget(rwTarget.toString()).setFlags(bind))
                    .build();
            LaunchSpec s = spec(info, "sh", "-c", "ls \"$0\"; touch \"$0/new\" || echo refused; "
                    + "touch \"$0/sub/new\" || echo refused below; echo hi > \"$1/made\"",
                    roTarget.toString(), rwTarget.toString());
            assertEquals(0, run(launcher.launch(s)));
            assertEquals("seen\nsub\nrefused\nrefused below\n", out(s));
            assertTrue(Files.readString(s.stderr()).contains("Read-only file system"), Files.readString(s.stderr()));
            assertEquals("hi\n", Files.readString(rwSource.resolve("made")));
            assertFalse(Files.exists(roSource.resolve("new")));
            assertFalse(Files.exists(sub.resolve("new")));
            assertEquals(before, mountinfo());
        } finally {
            corral.bindings.Mounts.umount2(sub.toString(), corral.bindings.Mounts.MNT_DETACH);
        }
    }

    @Test
    void mesosStyleRemountEntriesAndPropagationChangesAreMadeAsDeclared() throws Exception {
        // what filesystem/linux declares: / rslave, a bind, then a separate read-only remount of it
        Path source = Files.createDirectories(dir.resolve("src"));
        Path target = Files.createDirectories(dir.resolve("dst"));
        ContainerLaunchInfo info = ContainerLaunchInfo.newBuilder(ns(LinuxNamespaces.CLONE_NEWNS))
                .addMounts(ContainerMountInfo.newBuilder().setTarget("/").setFlags(MountFlags.MS_REC | MountFlags.MS_SLAVE))
                .addMounts(ContainerMountInfo.newBuilder().setSource(source.toString()).setTarget(target.toString())
                        .setFlags(MountFlags.MS_BIND | MountFlags.MS_REC))
                .addMounts(ContainerMountInfo.newBuilder().setTarget(target.toString())
                        .setFlags(MountFlags.MS_BIND | MountFlags.MS_REMOUNT | MountFlags.MS_RDONLY))
                .build();
        LaunchSpec s = spec(info, "sh", "-c", "touch \"$0/x\" || echo refused", target.toString());
        assertEquals(0, run(launcher.launch(s)));
        assertEquals("refused\n", out(s));
        assertFalse(Files.exists(source.resolve("x")));
    }

    @Test
    void capabilitiesAreExactlyTheEffectiveSetForRootAndForAnotherUser() throws Exception {
        CapabilityInfo netRaw = CapabilityInfo.newBuilder().addCapabilities(CapabilityInfo.Capability.NET_RAW).build();
        CapabilityInfo bounding = CapabilityInfo.newBuilder().addCapabilities(CapabilityInfo.Capability.NET_RAW)
                .addCapabilities(CapabilityInfo.Capability.CHOWN).build();
        ContainerLaunchInfo info = ContainerLaunchInfo.newBuilder(ns(PID_AND_MOUNT)).setEffectiveCapabilities(netRaw)
                .setBoundingCapabilities(bounding).build();
        LaunchSpec root = spec(info, "grep", "-E", "^(Uid|Cap(Inh|Prm|Eff|Bnd|Amb))", "/proc/self/status");
        assertEquals(0, run(launcher.launch(root)));
        String text = out(root);
        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapAmb")) {
            assertTrue(text.contains(set + ":\t0000000000002000\n"), text);
        }
        assertTrue(text.contains("CapBnd:\t0000000000002001\n"), text);

        LaunchSpec nobody = specAs(ContainerLaunchInfo.newBuilder(ns(PID_AND_MOUNT)).setEffectiveCapabilities(netRaw).build(),
                "nobody", "grep", "-E", "^(Uid|Cap(Eff|Amb|Bnd))", "/proc/self/status");
        assertEquals(0, run(launcher.launch(nobody)));
        text = out(nobody);
        assertTrue(text.contains("Uid:\t65534\t65534\t65534\t65534\n"), text);
        assertTrue(text.contains("CapEff:\t0000000000002000\n") && text.contains("CapAmb:\t0000000000002000\n")
                && text.contains("CapBnd:\t0000000000002000\n"), text);
    }

    @Test
    void eightConcurrentContainersEachHaveTheirOwnNamespaces() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<LaunchedContainer> held = new ArrayList<>();
        try {
            List<Future<LaunchedContainer>> launches = new ArrayList<>();
            List<LaunchSpec> specs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                LaunchSpec s = spec(ns(PID_AND_MOUNT), "sh", "-c", "echo $$; readlink /proc/self/ns/pid");
                specs.add(s);
                launches.add(pool.submit(() -> launcher.launch(s)));
            }
            for (Future<LaunchedContainer> f : launches) {
                held.add(f.get(60, TimeUnit.SECONDS));
            }
            // all eight exist at once, so namespace inodes cannot be recycled between them
            Set<String> pidNamespaces = new TreeSet<>();
            Set<String> mountNamespaces = new TreeSet<>();
            for (LaunchedContainer c : held) {
                pidNamespaces.add(Files.readSymbolicLink(Path.of("/proc/" + c.pid() + "/ns/pid")).toString());
                mountNamespaces.add(Files.readSymbolicLink(Path.of("/proc/" + c.pid() + "/ns/mnt")).toString());
            }
            assertEquals(8, pidNamespaces.size());
            assertEquals(8, mountNamespaces.size());
            assertFalse(pidNamespaces.contains(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString()));
            for (int i = 0; i < 8; i++) {
                LaunchedContainer c = held.get(i);
                String pidNs = Files.readSymbolicLink(Path.of("/proc/" + c.pid() + "/ns/pid")).toString();
                assertEquals(0, run(c));
                assertEquals("2\n" + pidNs + "\n", out(specs.get(i)));
            }
        } finally {
            pool.shutdownNow();
            for (LaunchedContainer c : held) {
                c.destroy(Duration.ZERO);
            }
        }
    }

    @Test
    void hundredSequentialLaunchesLeaveNothingBehind() throws Exception {
        run(launcher.launch(spec(ns(PID_AND_MOUNT), "true")));
        run(launcher.launch(spec(ns(LinuxNamespaces.CLONE_NEWNS), "true")));
        String mounts = mountinfo();
        long fds = count(Path.of("/proc/self/fd"));
        long threads = count(Path.of("/proc/self/task"));
        long launcherThreads = corralThreads();
        Path cgroupRoot = ContainerCgroup.findHierarchy().mountPoint().resolve(ROOT);
        for (int i = 0; i < 100; i++) {
            // half with a pid namespace, half with only a mount namespace and a freezer cgroup
            int flags = i % 2 == 0 ? PID_AND_MOUNT : LinuxNamespaces.CLONE_NEWNS;
            assertEquals(0, run(launcher.launch(spec(ns(flags), "true"))));
        }
        // waiter threads end right after completing the exit
        for (int i = 0; i < 500 && corralThreads() > launcherThreads; i++) {
            Thread.sleep(10);
        }
        assertEquals(mounts, mountinfo());
        // other tests' resources may close meanwhile; what must not happen is growth
        long fdsAfter = count(Path.of("/proc/self/fd"));
        assertTrue(fdsAfter <= fds, "open fds " + fds + " -> " + fdsAfter);
        assertTrue(count(Path.of("/proc/self/task")) <= threads + 1, "threads " + threads + " -> " + count(Path.of("/proc/self/task")));
        assertEquals(launcherThreads, corralThreads());
        try (Stream<Path> left = Files.list(cgroupRoot)) {
            assertEquals(0, left.filter(Files::isDirectory).count());
        }
    }

    private static long corralThreads() {
        // the launcher's own threads (other parts of the agent name theirs corral-... too)
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("corral-launch") || t.getName().startsWith("corral-wait-")).count();
    }

    private static long directories(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isDirectory).count();
        }
    }

    private static long count(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void badInputFailsNamingFieldAndValueAndLeavesNothingBehind() throws Exception {
        String mounts = mountinfo();
        Path cgroupRoot = ContainerCgroup.findHierarchy().mountPoint().resolve(ROOT);
        long cgroups = directories(cgroupRoot);
        assertEquals("Invalid command: 'argv' is empty; a container needs a command to run",
                assertThrows(LaunchException.class, () -> launcher.launch(spec(ns(PID_AND_MOUNT)))).getMessage());
        assertEquals("Invalid command 'no-such-program': not found in PATH '/usr/bin:/bin'", assertThrows(
                LaunchException.class, () -> launcher.launch(spec(ns(PID_AND_MOUNT), "no-such-program"))).getMessage());
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        assertEquals("Invalid command '" + plain + "': not executable", assertThrows(LaunchException.class,
                () -> launcher.launch(spec(ns(PID_AND_MOUNT), plain.toString()))).getMessage());
        ContainerLaunchInfo relative = ContainerLaunchInfo.newBuilder(ns(PID_AND_MOUNT)).addMounts(
                ContainerMountInfo.newBuilder().setSource("/tmp").setTarget("tmp").setFlags(MountFlags.MS_BIND)).build();
        assertEquals("Invalid mount target 'tmp': it must be an absolute path without '.' or '..' components",
                assertThrows(LaunchException.class, () -> launcher.launch(spec(relative, "true"))).getMessage());
        ContainerLaunchInfo missing = ContainerLaunchInfo.newBuilder(ns(PID_AND_MOUNT)).addMounts(
                ContainerMountInfo.newBuilder().setSource("/tmp").setTarget("/no/such/dir").setFlags(MountFlags.MS_BIND)).build();
        assertEquals("Invalid mount target '/no/such/dir': no such file or directory",
                assertThrows(LaunchException.class, () -> launcher.launch(spec(missing, "true"))).getMessage());
        ContainerLaunchInfo noNs = ContainerLaunchInfo.newBuilder().addMounts(
                ContainerMountInfo.newBuilder().setSource("/tmp").setTarget("/mnt").setFlags(MountFlags.MS_BIND)).build();
        assertEquals("Mounts are not supported if the mount namespace is not cloned",
                assertThrows(LaunchException.class, () -> launcher.launch(spec(noNs, "true"))).getMessage());
        assertEquals("Invalid user 'no-such-user': no such user on this host", assertThrows(LaunchException.class,
                () -> launcher.launch(specAs(ns(PID_AND_MOUNT), "no-such-user", "true"))).getMessage());
        // a mount that fails in the kernel (a file onto a directory) after the cgroup was made
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path target = Files.createDirectories(dir.resolve("dirtarget"));
        ContainerLaunchInfo kernelRefuses = ContainerLaunchInfo.newBuilder(ns(LinuxNamespaces.CLONE_NEWNS)).addMounts(
                ContainerMountInfo.newBuilder().setSource(file.toString()).setTarget(target.toString())
                        .setFlags(MountFlags.MS_BIND)).build();
        LaunchException e = assertThrows(LaunchException.class, () -> launcher.launch(spec(kernelRefuses, "true")));
        assertEquals("Failed to mount '" + file + "' to '" + target + "': ENOTDIR (Not a directory)", e.getMessage());
        assertEquals(mounts, mountinfo());
        assertEquals(cgroups, directories(cgroupRoot));
    }

    private static void awaitText(Path file, String text) throws Exception {
        for (int i = 0; i < 1000; i++) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(text + " never appeared in " + file);
    }
}
