package corral.isolator.namespaces.linuxfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.MountFlags;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.Volume;
import corral.isolator.spi.mesos.slave.ContainerClass;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import corral.isolator.testkit.TestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxFilesystemIsolatorTest {

    static final ContainerID ID = ContainerID.newBuilder().setValue("c1").build();

    @TempDir
    Path tmp;
    Path rootfs;
    Path sandbox;

    @BeforeEach
    void setUp() throws IOException {
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        sandbox = Files.createDirectories(tmp.resolve("sandbox"));
        Files.createDirectories(rootfs.resolve("proc"));
    }

    Isolator isolator(String... isolation) {
        getClass().getModule().addUses(IsolatorProvider.class);
        IsolatorProvider provider = ServiceLoader.load(IsolatorProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("filesystem/linux")).findFirst().orElseThrow();
        TestContext context = TestContext.of(tmp, Map.of("corral.agent.sandbox_directory", "/mnt/mesos/sandbox"), isolation);
        TestContext asRoot = context.withRoot(true);
        return provider.create(asRoot).isolator().orElseThrow();
    }

    @Test
    void aBadSandboxDirectoryMakesItUnavailableNamingTheValue() {
        getClass().getModule().addUses(IsolatorProvider.class);
        IsolatorProvider provider = ServiceLoader.load(IsolatorProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("filesystem/linux")).findFirst().orElseThrow();
        TestContext context = TestContext.of(tmp, Map.of("corral.agent.sandbox_directory", "mnt/sandbox"));
        // a bad setting is an expected condition: a reason for the operator, not an exception (SPI contract)
        String reason = provider.create(context).unavailableReason().orElseThrow();
        assertTrue(reason.contains("sandbox_directory must be an absolute path below '/' without '..', not 'mnt/sandbox'"),
                reason);
    }

    ContainerConfig.Builder config() {
        return ContainerConfig.newBuilder().setDirectory(sandbox.toString())
                .setCommandInfo(CommandInfo.newBuilder().setValue("true"))
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS));
    }

    @Test
    void aContainerWithARootfsGetsItsMountsInOrderWithTargetsInsideIt() {
        ContainerLaunchInfo launch = isolator("filesystem/linux").prepare(ID, config().setRootfs(rootfs.toString()).build())
                .orElseThrow();

        String r = rootfs.toString();
        assertEquals(List.of(LinuxNamespaces.CLONE_NEWNS, LinuxNamespaces.CLONE_NEWPID), launch.getCloneNamespacesList(),
                "an image container gets its own pid namespace, namespaces/pid or not");
        assertEquals(false, launch.hasRootfs(), "the containerizer sets rootfs, never an isolator");
        List<String> expected = new java.util.ArrayList<>(List.of(
                "/ <- - - rec,slave -",
                r + " <- " + r + " - bind,rec -",
                r + "/proc <- proc proc nosuid,nodev,noexec -"));
        for (String knob : List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")) {
            if (Files.exists(Path.of(knob))) { // this kernel's proc
                expected.add(r + knob + " <- " + r + knob + " - rdonly,nosuid,nodev,noexec,bind,rec -");
            }
        }
        assertTrue(expected.contains(r + "/proc/sys <- " + r + "/proc/sys - rdonly,nosuid,nodev,noexec,bind,rec -"));
        expected.addAll(List.of(
                r + "/sys <- sysfs sysfs rdonly,nosuid,nodev,noexec -",
                r + "/dev <- tmpfs tmpfs nosuid,noexec mode=755,size=65536k",
                r + "/dev/null <- /dev/null - bind -",
                r + "/dev/zero <- /dev/zero - bind -",
                r + "/dev/full <- /dev/full - bind -",
                r + "/dev/random <- /dev/random - bind -",
                r + "/dev/urandom <- /dev/urandom - bind -",
                r + "/dev/tty <- /dev/tty - bind -",
                r + "/dev/pts <- devpts devpts nosuid,noexec newinstance,ptmxmode=0666,mode=0620,gid=5",
                r + "/dev/ptmx <- " + r + "/dev/pts/ptmx - bind -",
                r + "/dev/shm <- tmpfs tmpfs nosuid,nodev mode=1777",
                r + "/mnt/mesos/sandbox <- " + sandbox + " - bind,rec -"));
        assertEquals(expected, launch.getMountsList().stream().map(LinuxFilesystemIsolatorTest::describe).toList());
        assertEquals(List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/key-users",
                "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list", "/proc/timer_stats",
                "/sys/firmware"), launch.getMaskedPathsList(), "Mesos's masked paths");
    }

    @Test
    void aContainerSharingTheAgentsPidNamespaceIsPrivilegedAndNotMasked() {
        ContainerLaunchInfo launch = isolator("filesystem/linux").prepare(ID, config().setRootfs(rootfs.toString())
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                        .setLinuxInfo(corral.isolator.spi.mesos.LinuxInfo.newBuilder().setSharePidNamespace(true)))
                .build()).orElseThrow();
        assertEquals(List.of(), launch.getMaskedPathsList());
        assertEquals(List.of(LinuxNamespaces.CLONE_NEWNS), launch.getCloneNamespacesList(), "the agent's pid namespace");
    }

    @Test
    void namespacesIpcMakesDevShmInstead() {
        ContainerLaunchInfo launch = isolator("filesystem/linux", "namespaces/ipc")
                .prepare(ID, config().setRootfs(rootfs.toString()).build()).orElseThrow();
        assertTrue(launch.getMountsList().stream().noneMatch(m -> m.getTarget().endsWith("/dev/shm")));
    }

    @Test
    void imageSymlinksCannotPointMountTargetsOutsideTheRootfs() throws IOException {
        // an image whose /mnt is a symlink to the host's / and whose /sys climbs out with ..
        Files.createSymbolicLink(rootfs.resolve("mnt"), Path.of("/"));
        Files.createSymbolicLink(rootfs.resolve("sys"), Path.of("../../../.."));
        // /sys resolves to the image's root: sysfs would become the container's "/"
        IsolatorException onRoot = assertThrows(IsolatorException.class, () -> isolator("filesystem/linux")
                .prepare(ID, config().setRootfs(rootfs.toString()).build()));
        assertEquals("The image at '" + rootfs + "' makes '/sys' its root directory (a symlink to '/'); refusing to"
                + " mount over it", onRoot.getMessage());
        Files.delete(rootfs.resolve("sys"));
        Files.createDirectories(rootfs.resolve("up/sys"));
        Files.createSymbolicLink(rootfs.resolve("sys"), Path.of("../../../../up/sys"));
        Files.createDirectories(rootfs.resolve("usr/lib"));
        Files.createSymbolicLink(rootfs.resolve("lib"), Path.of("usr/lib"));
        Volume volume = Volume.newBuilder().setContainerPath("/lib/data").setHostPath(sandbox.toString())
                .setMode(Volume.Mode.RO).build();

        ContainerLaunchInfo launch = isolator("filesystem/linux").prepare(ID, config().setRootfs(rootfs.toString())
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS).addVolumes(volume))
                .build()).orElseThrow();

        List<String> targets = launch.getMountsList().stream().map(ContainerMountInfo::getTarget).toList();
        // /mnt -> / means the rootfs itself: the sandbox lands at <rootfs>/mesos/sandbox, never on the host
        assertTrue(targets.contains(rootfs + "/mesos/sandbox"), targets.toString());
        assertTrue(targets.contains(rootfs.toString()), targets.toString());
        assertEquals(List.of(rootfs + "/up/sys"), launch.getMountsList().stream().filter(m -> "sysfs".equals(m.getType()))
                .map(ContainerMountInfo::getTarget).toList(), ".. stops at the image's root, never on the host");
        for (String target : targets.subList(1, targets.size())) {
            assertTrue(Path.of(target).startsWith(rootfs), target + " is inside the rootfs");
        }
        int n = launch.getMountsCount();
        assertEquals(rootfs + "/usr/lib/data <- " + sandbox + " - bind,rec -", describe(launch.getMounts(n - 2)));
        assertEquals(rootfs + "/usr/lib/data <- - - rdonly,remount,bind -", describe(launch.getMounts(n - 1)));
    }

    @Test
    void withoutARootfsOnlyTheMountNamespaceAndVolumes() throws IOException {
        Files.createDirectories(tmp.resolve("data"));
        Volume volume = Volume.newBuilder().setContainerPath("data").setMode(Volume.Mode.RW)
                .setSource(Volume.Source.newBuilder().setType(Volume.Source.Type.HOST_PATH)
                        .setHostPath(Volume.Source.HostPath.newBuilder().setPath(tmp.resolve("data").toString())))
                .build();
        ContainerLaunchInfo launch = isolator("filesystem/linux").prepare(ID, config()
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS).addVolumes(volume))
                .build()).orElseThrow();
        assertEquals(List.of("/ <- - - rec,slave -", sandbox + "/data <- " + tmp.resolve("data") + " - bind,rec -"),
                launch.getMountsList().stream().map(LinuxFilesystemIsolatorTest::describe).toList());
    }

    @Test
    void aRelativeHostPathIsCreatedInTheSandboxAndStaysInIt() throws IOException {
        // Mesos's private /tmp: {"container_path":"/tmp","host_path":"tmp","mode":"RW"}
        Volume privateTmp = Volume.newBuilder().setContainerPath("/tmp").setHostPath("tmp").setMode(Volume.Mode.RW).build();
        // a symlink a previous task left in a reused sandbox does not lead the source out of it
        Files.createSymbolicLink(sandbox.resolve("escape"), Path.of("../outside"));
        Volume escaping = Volume.newBuilder().setContainerPath("/tmp").setHostPath("escape/x").setMode(Volume.Mode.RW)
                .build();
        ContainerLaunchInfo launch = isolator("filesystem/linux").prepare(ID, config()
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS).addVolumes(privateTmp)
                        .addVolumes(escaping))
                .build()).orElseThrow();
        assertTrue(Files.isDirectory(sandbox.resolve("tmp")), "created");
        assertEquals(List.of("/ <- - - rec,slave -", "/tmp <- " + sandbox.resolve("tmp") + " - bind,rec -",
                "/tmp <- " + sandbox.resolve("outside/x") + " - bind,rec -"),
                launch.getMountsList().stream().map(LinuxFilesystemIsolatorTest::describe).toList());
        assertTrue(Files.notExists(tmp.resolve("outside")), "nothing is created outside the sandbox");
    }

    @Test
    void badInputGetsMesossMessages() {
        Isolator isolator = isolator("filesystem/linux");
        IsolatorException debug = assertThrows(IsolatorException.class, () -> isolator.prepare(ID,
                config().setRootfs(rootfs.toString()).setContainerClass(ContainerClass.DEBUG).build()));
        assertEquals("A 'rootfs' cannot be set for DEBUG containers", debug.getMessage());

        Volume missing = Volume.newBuilder().setContainerPath("/nope-" + System.nanoTime()).setHostPath(sandbox.toString())
                .setMode(Volume.Mode.RW).build();
        IsolatorException absolute = assertThrows(IsolatorException.class, () -> isolator.prepare(ID, config()
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS).addVolumes(missing)).build()));
        assertEquals("Absolute container path '" + missing.getContainerPath() + "' does not exist", absolute.getMessage());

        Volume climbing = missing.toBuilder().setContainerPath("../../etc").build();
        IsolatorException dotdot = assertThrows(IsolatorException.class, () -> isolator.prepare(ID, config()
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS).addVolumes(climbing)).build()));
        assertEquals("The container path '../../etc' of a volume must not contain '..'", dotdot.getMessage());
    }

    @Test
    void refusesToRunWithoutRoot() {
        getClass().getModule().addUses(IsolatorProvider.class);
        IsolatorProvider provider = ServiceLoader.load(IsolatorProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("filesystem/linux")).findFirst().orElseThrow();
        TestContext context = TestContext.of(tmp, Map.of("corral.agent.sandbox_directory", "/mnt/mesos/sandbox"), "filesystem/linux");
        TestContext notRoot = context.withRoot(false);
        assertEquals("'filesystem/linux' isolator requires root privileges",
                provider.create(notRoot).unavailableReason().orElseThrow());
    }

    static String describe(ContainerMountInfo m) {
        StringBuilder flags = new StringBuilder();
        int f = m.getFlags();
        String[] names = {"rdonly", "nosuid", "nodev", "noexec", "remount", "bind", "rec", "slave"};
        int[] bits = {MountFlags.MS_RDONLY, MountFlags.MS_NOSUID, MountFlags.MS_NODEV, MountFlags.MS_NOEXEC,
            MountFlags.MS_REMOUNT, MountFlags.MS_BIND, MountFlags.MS_REC, MountFlags.MS_SLAVE};
        for (int i = 0; i < bits.length; i++) {
            if ((f & bits[i]) != 0) {
                flags.append(flags.length() == 0 ? "" : ",").append(names[i]);
            }
        }
        return m.getTarget() + " <- " + (m.hasSource() ? m.getSource() : "-") + " " + (m.hasType() ? m.getType() : "-")
                + " " + flags + " " + (m.hasOptions() ? m.getOptions() : "-");
    }
}
