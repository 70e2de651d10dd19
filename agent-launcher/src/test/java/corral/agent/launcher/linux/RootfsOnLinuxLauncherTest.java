package corral.agent.launcher.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.LaunchedContainer;
import corral.agent.testimages.BusyboxImage;
import corral.bindings.Mounts;
import corral.bindings.Namespaces;
import corral.bindings.Spawn;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.mesos.CapabilityInfo;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import corral.isolator.testkit.TestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A container with a root filesystem ({@code filesystem/linux}) on the Linux launcher: the mount
 * namespace is {@code pivot_root}ed into the image and the host's tree detached, for the task and
 * for the init alike, and the task may run as a user of the image with reduced capabilities. The
 * root filesystem is the test image's first layer ({@link BusyboxImage#writeRootfs}).
 */
class RootfsOnLinuxLauncherTest {

    private static final Path BUSYBOX = BusyboxImage.BUSYBOX;
    private static final String ROOT = "corral-rootfstest-" + UUID.randomUUID().toString().substring(0, 8);

    private Path work;
    private Path rootfs;
    private Path sandbox;
    private LinuxLauncher launcher;

    @BeforeEach
    void setUp() throws Exception {
        String why = !LinuxLauncher.available() ? "needs root" : !Files.isRegularFile(BUSYBOX)
                ? "needs busybox-static (apt-get install -y busybox-static)" : null;
        if (why != null) {
            System.out.println("SKIPPED RootfsOnLinuxLauncherTest: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        work = Files.createTempDirectory(Path.of("/var/tmp"), "corral-rootfs-test-");
        rootfs = BusyboxImage.writeRootfs(work.resolve("rootfs"));
        sandbox = Files.createDirectories(work.resolve("sandbox"));
        Files.setAttribute(sandbox, "posix:permissions", java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        launcher = new LinuxLauncher(ROOT);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (work == null) {
            return;
        }
        List<String> left = mountsUnder(work);
        new ProcessBuilder("rm", "-rf", "--one-file-system", work.toString()).inheritIO().start().waitFor();
        corral.isolator.cgroups.Hierarchy h = ContainerCgroup.findHierarchy();
        if (h != null) {
            Files.deleteIfExists(h.mountPoint().resolve(ROOT));
        }
        assertEquals(List.of(), left, "mounts left on the host");
    }

    @Test
    void theInitAndTheTaskStandInTheImageWithTheHostsTreeDetached() throws Exception {
        String script = "cat /proc/1/mountinfo > /mnt/mesos/sandbox/mountinfo; ls /proc/1/root > /mnt/mesos/sandbox/root;"
                + " cd .. && cd .. && pwd > /mnt/mesos/sandbox/up; ls > /mnt/mesos/sandbox/up-ls;"
                + " touch /mnt/mesos/sandbox/ready; exec sleep 60";
        LaunchedContainer c = launch("filesystem/linux,namespaces/pid", null, Optional.empty(), script);
        try {
            awaitFile(sandbox.resolve("ready"));
            long task = Long.parseLong(Files.readString(Path.of("/proc/" + c.pid() + "/task/" + c.pid() + "/children"))
                    .trim().split(" ")[0]);
            // chroot would show the image's host path here; after pivot_root it is its namespace's "/"
            assertEquals(Path.of("/"), Files.readSymbolicLink(Path.of("/proc/" + c.pid() + "/root")), "the init's root");
            assertEquals(Path.of("/"), Files.readSymbolicLink(Path.of("/proc/" + task + "/root")), "the task's root");
        } finally {
            c.destroy(Duration.ZERO);
        }
        List<String> mountPoints = Files.readAllLines(sandbox.resolve("mountinfo")).stream().map(l -> l.split(" ")[4])
                .toList();
        assertEquals("/", mountPoints.get(0), mountPoints.toString());
        assertTrue(mountPoints.stream().allMatch(m -> m.equals("/") || Stream.of("/proc", "/sys", "/dev", "/mnt/mesos/sandbox")
                .anyMatch(m::startsWith)), "PID 1 sees only the container's mounts: " + mountPoints);
        assertEquals(List.of("bin", "dev", "etc", "mnt", "proc", "sys", "work"), Files.readAllLines(sandbox.resolve("root")),
                "PID 1's root is the image");
        assertEquals("/", Files.readString(sandbox.resolve("up")).trim(), ".. stops at the image's root");
        assertFalse(Files.readString(sandbox.resolve("up-ls")).contains("usr"));
    }

    @Test
    void sharingTheAgentsPidNamespaceTheTaskIsPivotedToo() throws Exception {
        String script = "ls / > /mnt/mesos/sandbox/root; touch /mnt/mesos/sandbox/ready; exec sleep 60";
        LaunchedContainer c = launch("filesystem/linux", null, Optional.of(SHARED_PIDS), script);
        try {
            awaitFile(sandbox.resolve("ready"));
            long task = Long.parseLong(Files.readString(Path.of("/proc/" + c.pid() + "/task/" + c.pid() + "/children"))
                    .trim().split(" ")[0]);
            assertEquals(Path.of("/"), Files.readSymbolicLink(Path.of("/proc/" + c.pid() + "/root")), "the init's root");
            assertEquals(Path.of("/"), Files.readSymbolicLink(Path.of("/proc/" + task + "/root")), "the task's root");
        } finally {
            c.destroy(Duration.ZERO);
        }
        assertEquals(List.of("bin", "dev", "etc", "mnt", "proc", "sys", "work"), Files.readAllLines(sandbox.resolve("root")));
    }

    @Test
    void filesystemLinuxAloneGivesAnImageContainerItsOwnPidNamespace() throws Exception {
        // in the agent's, /proc/<pid>/root of any host process of the task's uid would lead to the host's files
        LaunchedContainer c = launch("filesystem/linux", null, Optional.empty(), "echo $$; ls /proc | grep -c '^[0-9]'");
        assertEquals(0, c.exit().get(30, TimeUnit.SECONDS), Files.readString(sandbox.resolve("stderr")));
        List<String> out = Files.readAllLines(sandbox.resolve("stdout"));
        assertEquals("2", out.get(0), "the supervisor is PID 1");
        assertTrue(Integer.parseInt(out.get(1).trim()) < 10, "only the container's processes: " + out);
    }

    @Test
    void kernelKnobsAreReadOnlyAndSensitivePathsMaskedWhereverAPidNamespaceIsTheContainers() throws Exception {
        // rewriting the hostname with itself is harmless even where it would not be refused
        String script = "cat /proc/sys/kernel/hostname > /proc/sys/kernel/hostname || echo refused; cat /proc/keys | wc -c;"
                + " ls /sys/firmware | wc -l; cat /proc/timer_list | wc -c; echo > /proc/keys || echo refused;"
                + " grep -c . /proc/sys/kernel/ostype";
        for (String isolation : List.of("filesystem/linux,namespaces/pid", "filesystem/linux")) {
            LaunchedContainer c = launch(isolation, null, Optional.empty(), script);
            assertEquals(0, c.exit().get(30, TimeUnit.SECONDS));
            List<String> out = Files.readAllLines(sandbox.resolve("stdout")).stream().map(String::trim).toList();
            assertEquals(List.of("refused", "0", "0", "0", "1"), out, isolation + ": " + Files.readString(sandbox.resolve("stderr")));
            assertTrue(Files.readString(sandbox.resolve("stderr")).contains("Read-only file system"));
        }
        // a privileged container (the agent's pid namespace, made by the launcher thread) still gets read-only knobs
        LaunchedContainer c = launch("filesystem/linux", null, Optional.of(SHARED_PIDS), script);
        assertEquals(0, c.exit().get(30, TimeUnit.SECONDS));
        assertEquals("refused", Files.readAllLines(sandbox.resolve("stdout")).get(0).trim(),
                Files.readString(sandbox.resolve("stderr")));
    }

    @Test
    void theSupervisorNeverOpensAPathTheContainerCouldHaveReplaced() throws Exception {
        // a root task with CAP_SYS_ADMIN swaps /dev/null for a symlink to a host file through /proc/<agent>/root;
        // an init that still opened /dev/null (2>/dev/null on kill -0) would create that file as the host's root
        Path host = work.resolve("written-by-the-supervisor");
        ContainerInfo info = SHARED_PIDS.toBuilder().setLinuxInfo(SHARED_PIDS.getLinuxInfo().toBuilder()
                .setEffectiveCapabilities(CapabilityInfo.newBuilder().addCapabilities(CapabilityInfo.Capability.SYS_ADMIN)))
                .build();
        String script = "umount /dev/null && rm /dev/null && ln -s /proc/" + ProcessHandle.current().pid() + "/root" + host
                + " /dev/null && ls -l /dev/null";
        LaunchedContainer c = launch("filesystem/linux,linux/capabilities", null, Optional.of(info), script);
        assertEquals(0, c.exit().get(30, TimeUnit.SECONDS), Files.readString(sandbox.resolve("stderr")));
        assertTrue(Files.readString(sandbox.resolve("stdout")).contains("-> /proc/"), Files.readString(sandbox.resolve("stdout")));
        assertFalse(Files.exists(host, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the supervisor wrote to the host");
    }

    @Test
    void aMountOntoTheRootfsItselfIsRefusedSoTheHostsProcNeverBecomesTheContainersRoot() throws Exception {
        // declared so: refused before anything is made
        LaunchSpec spec = spec("filesystem/linux,namespaces/pid", null, Optional.empty(), List.of("sh", "-c", "true"));
        ContainerLaunchInfo onRoot = spec.launchInfo().toBuilder().addMounts(ContainerMountInfo.newBuilder()
                .setTarget(rootfs.toString()).setSource("proc").setType("proc")).build();
        LaunchException declared = assertThrows(LaunchException.class, () -> launcher.launch(withInfo(spec, onRoot)));
        assertEquals("Invalid mount target '" + rootfs + "': it is the root filesystem itself, which only its own bind"
                + " may be mounted on", declared.getMessage());

        // or become so once declared (/proc -> /, as filesystem/linux itself refuses to declare): the
        // launcher thread resolves each target again before it mounts, and the host's proc is not "/"
        LaunchSpec shared = spec("filesystem/linux", null, Optional.of(SHARED_PIDS), List.of("sh", "-c", "true"));
        Files.deleteIfExists(rootfs.resolve("proc")); // the declared launch above made the mount point
        Files.createSymbolicLink(rootfs.resolve("proc"), Path.of("/"));
        LaunchException resolved = assertThrows(LaunchException.class, () -> launcher.launch(shared));
        assertEquals("Invalid mount target '" + rootfs + "/proc': it resolves to the root filesystem '" + rootfs
                + "' itself, which only its own bind may be mounted on", resolved.getMessage());
    }

    private static LaunchSpec withInfo(LaunchSpec spec, ContainerLaunchInfo info) {
        return new LaunchSpec(spec.containerId(), spec.sandbox(), info, spec.argv(), spec.environment(),
                spec.workingDirectory(), spec.user(), spec.stdout(), spec.stderr(), spec.exitStatusFile());
    }

    @Test
    void aUserOfTheImageWithReducedCapabilities() throws Exception {
        ContainerInfo info = ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                .setLinuxInfo(corral.isolator.spi.mesos.LinuxInfo.newBuilder().setEffectiveCapabilities(CapabilityInfo.newBuilder()
                        .addCapabilities(CapabilityInfo.Capability.NET_RAW)))
                .build();
        String script = "id -u; id -G; grep -E '^Cap(Eff|Bnd)' /proc/self/status; pwd";
        LaunchedContainer c = launch("filesystem/linux,namespaces/pid,linux/capabilities", "imguser", Optional.of(info),
                script);
        assertEquals(0, c.exit().get(30, TimeUnit.SECONDS), Files.readString(sandbox.resolve("stderr")));
        assertEquals(List.of("4321", "4322 4323", "CapEff:\t0000000000002000", "CapBnd:\t0000000000002000", "/work"),
                Files.readAllLines(sandbox.resolve("stdout")), Files.readString(sandbox.resolve("stderr")));
    }

    @Test
    void aTaskThatIsNotInTheImageFailsInsideIt() throws Exception {
        Files.copy(BUSYBOX, work.resolve("on-host-only"));
        LaunchSpec spec = spec("filesystem/linux,namespaces/pid", null, Optional.empty(),
                List.of(work.resolve("on-host-only").toString()));
        LaunchedContainer c = launcher.launch(spec);
        c.start();
        assertEquals(127 << 8, c.exit().get(30, TimeUnit.SECONDS));
        assertTrue(Files.readString(spec.stderr()).contains("on-host-only: not found"), Files.readString(spec.stderr()));
    }

    @Test
    void whenThePivotFailsTheTaskNeverRuns() throws Exception {
        LaunchSpec spec = spec("filesystem/linux,namespaces/pid", null, Optional.empty(),
                List.of("sh", "-c", "touch /mnt/mesos/sandbox/ran"));
        LaunchedContainer c = launcher.launch(spec);
        // take the root filesystem's mount away inside the container (once unshare --mount-proc has
        // made its namespace and exec'd the init): pivot_root needs a mount point
        Path exe = Path.of("/proc/" + c.pid() + "/exe");
        for (int i = 0; i < 300 && Files.readSymbolicLink(exe).toString().endsWith("unshare"); i++) {
            Thread.sleep(10);
        }
        ThrowawayThread.run("test-umount", () -> {
            Namespaces.unshare(Namespaces.CLONE_FS);
            int fd = Spawn.open("/proc/" + c.pid() + "/ns/mnt", Spawn.O_RDONLY);
            try {
                Namespaces.setns(fd, LinuxNamespaces.CLONE_NEWNS);
            } finally {
                Spawn.close(fd);
            }
            Mounts.umount2(rootfs.toString(), Mounts.MNT_DETACH);
            return null;
        });

        LaunchException e = assertThrows(LaunchException.class, c::start);

        // the first step to need the rootfs's mount fails: a read-only /proc knob or pivot_root itself
        assertTrue(e.getMessage().startsWith("Failed to enter the root filesystem '" + rootfs + "': "), e.getMessage());
        assertTrue(e.getMessage().matches(".*: E[A-Z]+ \\(.*\\)$"), e.getMessage());
        assertEquals(1 << 8, c.exit().get(30, TimeUnit.SECONDS), "the chain got EOF instead of a go");
        assertFalse(Files.exists(sandbox.resolve("ran")));
    }

    private static final ContainerInfo SHARED_PIDS = ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
            .setLinuxInfo(corral.isolator.spi.mesos.LinuxInfo.newBuilder().setSharePidNamespace(true)).build();

    private LaunchedContainer launch(String isolation, String user, Optional<ContainerInfo> info, String script)
            throws Exception {
        LaunchedContainer c = launcher.launch(spec(isolation, user, info, List.of("sh", "-c", script)));
        c.start();
        return c;
    }

    private LaunchSpec spec(String isolation, String user, Optional<ContainerInfo> info, List<String> argv)
            throws Exception {
        ContainerID id = ContainerID.newBuilder().setValue("rootfs-" + UUID.randomUUID().toString().substring(0, 8)).build();
        ContainerConfig.Builder config = ContainerConfig.newBuilder().setDirectory(sandbox.toString())
                .setRootfs(rootfs.toString()).setCommandInfo(CommandInfo.newBuilder().setValue("sh"));
        info.ifPresent(config::setContainerInfo);
        if (user != null) {
            config.setUser(user);
        }
        List<ContainerLaunchInfo> infos = new ArrayList<>();
        for (Isolator isolator : isolators(isolation.split(","))) {
            isolator.prepare(id, config.build()).ifPresent(infos::add);
        }
        ContainerLaunchInfo.Builder merged = ContainerLaunchInfo.newBuilder();
        infos.forEach(merged::mergeFrom);
        List<Integer> clone = List.copyOf(new TreeSet<>(merged.getCloneNamespacesList()));
        merged.clearCloneNamespaces().addAllCloneNamespaces(clone).setRootfs(rootfs.toString());
        return new LaunchSpec(id, sandbox, merged.build(), argv, Map.of("PATH", "/bin"), Path.of("/work"), user,
                sandbox.resolve("stdout"), sandbox.resolve("stderr"), null);
    }

    private List<Isolator> isolators(String... ids) {
        getClass().getModule().addUses(IsolatorProvider.class);
        Map<String, IsolatorProvider> providers = ServiceLoader.load(IsolatorProvider.class).stream()
                .map(ServiceLoader.Provider::get).collect(Collectors.toMap(IsolatorProvider::id, p -> p));
        TestContext context = TestContext.of(work, Map.of(), ids);
        return Stream.of(ids).map(id -> providers.get(id).create(context).isolator().orElseThrow()).toList();
    }

    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 300 && !Files.exists(file); i++) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(file), file + " never appeared");
    }

    private static List<String> mountsUnder(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
                .filter(m -> m.startsWith(dir.toString())).toList();
    }
}
