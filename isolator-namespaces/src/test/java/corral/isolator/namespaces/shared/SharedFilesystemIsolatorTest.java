package corral.isolator.namespaces.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.MountFlags;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.Volume;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.testkit.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedFilesystemIsolatorTest {

    private static final ContainerID ID = ContainerID.newBuilder().setValue("c1").build();

    @TempDir
    Path dir;

    private Path sandbox;
    private Isolator isolator;

    @BeforeEach
    void setUp() throws Exception {
        sandbox = Files.createDirectories(dir.resolve("sandbox"));
        TestContext base = TestContext.of(dir, Map.of());
        isolator = new SharedFilesystemProvider().create(new TestContext(base.config(), dir, dir, dir,
                List.of("filesystem/shared"), true)).isolator().orElseThrow();
    }

    private static Volume volume(String hostPath, String containerPath, Volume.Mode mode) {
        return Volume.newBuilder().setHostPath(hostPath).setContainerPath(containerPath).setMode(mode).build();
    }

    private ContainerLaunchInfo prepare(Volume... volumes) {
        return isolator.prepare(ID, config(volumes)).orElseThrow();
    }

    private ContainerConfig config(Volume... volumes) {
        return ContainerConfig.newBuilder().setDirectory(sandbox.toString())
                .setCommandInfo(CommandInfo.newBuilder().setValue("true"))
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                        .addAllVolumes(List.of(volumes)))
                .build();
    }

    private String failure(Volume... volumes) {
        return assertThrows(IsolatorException.class, () -> isolator.prepare(ID, config(volumes))).getMessage();
    }

    @Test
    void bindsVolumesInANewMountNamespaceEnforcingReadOnly() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        ContainerLaunchInfo info = prepare(volume(a.toString(), b.toString(), Volume.Mode.RO),
                volume(a.toString(), dir.resolve("sandbox2").toString().replace("sandbox2", "a"), Volume.Mode.RW));
        assertEquals(List.of(LinuxNamespaces.CLONE_NEWNS), info.getCloneNamespacesList());
        int bind = MountFlags.MS_BIND | MountFlags.MS_REC;
        assertEquals(bind | MountFlags.MS_RDONLY | MountFlags.MS_NOSUID | MountFlags.MS_NODEV, info.getMounts(0).getFlags());
        assertEquals(a.toString(), info.getMounts(0).getSource());
        assertEquals(b.toString(), info.getMounts(0).getTarget());
        assertEquals(bind, info.getMounts(1).getFlags());
    }

    @Test
    void noContainerInfoMeansNothingAndOtherTypesAreRefused() {
        ContainerConfig none = ContainerConfig.newBuilder().setDirectory(sandbox.toString())
                .setCommandInfo(CommandInfo.newBuilder().setValue("true")).build();
        assertFalse(isolator.prepare(ID, none).isPresent());
        ContainerConfig docker = none.toBuilder().setContainerInfo(ContainerInfo.newBuilder()
                .setType(ContainerInfo.Type.DOCKER)).build();
        assertEquals("Can only prepare filesystem for a MESOS container",
                assertThrows(IsolatorException.class, () -> isolator.prepare(ID, docker)).getMessage());
    }

    @Test
    void relativeHostPathIsMadeInTheSandboxWithTheContainerPathsModeAndOwner() throws Exception {
        // the sandbox lives under /tmp here, so a directory like /tmp stands in for it
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        corral.bindings.FileModes.chmod(tmp.toString(), 01777);
        ContainerLaunchInfo info = prepare(volume("tmp", tmp.toString(), Volume.Mode.RW));
        Path made = sandbox.resolve("tmp");
        assertEquals(made.toString(), info.getMounts(0).getSource());
        assertEquals(01777, ((Integer) Files.getAttribute(made, "unix:mode")) & 07777);

        Path setgid = Files.createDirectories(dir.resolve("shared-group"));
        corral.bindings.FileModes.chmod(setgid.toString(), 02770);
        corral.bindings.FileModes.chown(setgid.toString(), 65534, 65534);
        prepare(volume("deep/group", setgid.toString(), Volume.Mode.RW));
        Path group = sandbox.resolve("deep/group");
        assertEquals(02770, ((Integer) Files.getAttribute(group, "unix:mode")) & 07777);
        assertEquals(65534, Files.getAttribute(group, "unix:uid"));
        assertEquals(65534, Files.getAttribute(group, "unix:gid"));
    }

    @Test
    void badVolumesAreRefusedWithMesosMessagesAndNothingIsCreated() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path ab = Files.createDirectories(dir.resolve("ab"));
        Path inner = Files.createDirectories(a.resolve("inner"));
        assertEquals("Volume with container path '/no/such/path' must exist on host for shared filesystem isolator",
                failure(volume("x", "/no/such/path", Volume.Mode.RW)));
        assertEquals("Volume with container path '" + a + "' must specify host path for shared filesystem isolator",
                failure(Volume.newBuilder().setContainerPath(a.toString()).setMode(Volume.Mode.RW).build()));
        assertEquals("Volume with container path '" + a + "' must have host path '/no/such/host' present on host"
                + " for shared filesystem isolator", failure(volume("/no/such/host", a.toString(), Volume.Mode.RW)));
        assertEquals("Cannot mount volume to '" + inner + "' because it is under volume '" + a + "'",
                failure(volume("x", a.toString(), Volume.Mode.RW), volume("y", inner.toString(), Volume.Mode.RW)));
        assertEquals("Cannot mount volume to '" + sandbox.resolve("s") + "' because it is under volume '" + sandbox + "'",
                failure(volume("x", Files.createDirectories(sandbox.resolve("s")).toString(), Volume.Mode.RW)));
        assertEquals("Relative host path '" + sandbox.resolve("../escape") + "' cannot contain relative components",
                failure(volume("../escape", a.toString(), Volume.Mode.RW)));
        assertEquals("Volume with container path 'relative' must be an absolute path without '.' or '..' components",
                failure(volume("x", "relative", Volume.Mode.RW)));
        // a later bad volume: the earlier relative one was not created
        failure(volume("first", a.toString(), Volume.Mode.RW), volume("x", "/no/such/path", Volume.Mode.RW));
        assertFalse(Files.exists(sandbox.resolve("first")));
        // components, not string prefixes: /a and /ab do not overlap
        prepare(volume("x", a.toString(), Volume.Mode.RW), volume("y", ab.toString(), Volume.Mode.RW));
    }

    @Test
    void aSymlinkPlantedInTheSandboxCannotRedirectTheVolume() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(sandbox.resolve("link"), outside);
        String message = failure(volume("link/tmp", Files.createDirectories(dir.resolve("t")).toString(), Volume.Mode.RW));
        assertEquals("Relative host path '" + sandbox.resolve("link/tmp") + "' must not contain a symlink ('"
                + sandbox.resolve("link") + "')", message);
        assertFalse(Files.exists(outside.resolve("tmp")));
    }
}
