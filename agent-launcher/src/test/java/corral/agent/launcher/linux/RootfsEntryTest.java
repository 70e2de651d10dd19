package corral.agent.launcher.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchSpec;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.MountFlags;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the linux launcher makes of a launch info with a {@code rootfs}, before anything is started. */
class RootfsEntryTest {

    @TempDir
    Path tmp;

    LaunchSpec spec(Path rootfs, String workingDirectory, String user, int... namespaces) {
        ContainerLaunchInfo.Builder info = ContainerLaunchInfo.newBuilder().setRootfs(rootfs.toString());
        for (int ns : namespaces) {
            info.addCloneNamespaces(ns);
        }
        info.addMounts(ContainerMountInfo.newBuilder().setTarget(rootfs.toString()).setSource(rootfs.toString())
                .setFlags(MountFlags.MS_BIND | MountFlags.MS_REC));
        info.addMounts(ContainerMountInfo.newBuilder().setTarget(rootfs + "/proc").setSource("proc").setType("proc"));
        info.addMounts(ContainerMountInfo.newBuilder().setTarget(rootfs + "/dev/null").setSource("/dev/null")
                .setFlags(MountFlags.MS_BIND));
        Path sandbox = tmp.resolve("sandbox");
        return new LaunchSpec(ContainerID.newBuilder().setValue("c").build(), sandbox, info.build(),
                List.of("/bin/sh", "-c", "echo hi"), Map.of("PATH", "/bin"), Path.of(workingDirectory), user,
                sandbox.resolve("stdout"), sandbox.resolve("stderr"), sandbox.resolve("status"));
    }

    @Test
    void theTaskEntersTheRootfsAndProcIsMountedFromItsPidNamespace() throws Exception {
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(tmp.resolve("sandbox"));
        ContainerProgram program = ContainerProgram.of(spec(rootfs, "/work/dir", null, LinuxNamespaces.CLONE_NEWNS,
                LinuxNamespaces.CLONE_NEWPID), List::of);

        assertEquals(ContainerProgram.UNSHARE, program.executable());
        assertTrue(program.argv().contains("--mount-proc=" + rootfs + "/proc"), program.argv().toString());
        assertEquals(List.of(ContainerProgram.UNSHARE, "--root=" + rootfs, "--wd=/work/dir", "--", "/bin/sh", "-c", "echo hi"),
                program.argv().subList(program.argv().size() - 7, program.argv().size()));
        assertTrue(program.mounts().stream().noneMatch(m -> "proc".equals(m.getType())),
                "proc is left to unshare --mount-proc");
        assertTrue(Files.isDirectory(rootfs.resolve("work/dir")), "the working directory is created in the image");
        assertTrue(Files.isDirectory(rootfs.resolve("proc")), "the proc mount point is created in the image");
    }

    @Test
    void theWorkingDirectoryIsCreatedInsideTheImageWhateverItsSymlinksSay() throws Exception {
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(tmp.resolve("sandbox"));
        Path outside = tmp.resolve("outside");
        Files.createSymbolicLink(rootfs.resolve("w"), Path.of("/"));
        Files.createSymbolicLink(rootfs.resolve("up"), Path.of("../../../.." + outside));

        ContainerProgram.of(spec(rootfs, "/w" + outside + "/made", null, LinuxNamespaces.CLONE_NEWNS), List::of);
        ContainerProgram.of(spec(rootfs, "/up/made", null, LinuxNamespaces.CLONE_NEWNS), List::of);

        assertFalse(Files.exists(outside), "nothing is created on the host");
        assertTrue(Files.isDirectory(rootfs.resolve(outside.toString().substring(1)).resolve("made")));
    }

    @Test
    void aUserOrCapabilitiesWithARootfsAreRefusedClearly() throws Exception {
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(tmp.resolve("sandbox"));
        LaunchException e = assertThrows(LaunchException.class, () -> ContainerProgram.of(
                spec(rootfs, "/", "65534", LinuxNamespaces.CLONE_NEWNS), List::of));
        assertEquals("Invalid launch info: a container with a 'rootfs' cannot run as another user or with reduced"
                + " capabilities on the linux launcher yet (--reuid=65534 --regid=65534 --clear-groups)", e.getMessage());

        LaunchException noMountNs = assertThrows(LaunchException.class, () -> ContainerProgram.of(
                spec(rootfs, "/", null), List::of));
        assertTrue(noMountNs.getMessage().contains("needs a mount namespace"), noMountNs.getMessage());
    }
}
