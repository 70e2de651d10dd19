package corral.agent.launcher.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.UserDatabase;
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
                LinuxNamespaces.CLONE_NEWPID), UserDatabase::host);

        assertEquals(ContainerProgram.UNSHARE, program.executable());
        assertTrue(program.argv().contains("--mount-proc=" + rootfs + "/proc"), program.argv().toString());
        assertEquals(List.of(ContainerProgram.SH, "-c", Supervisor.ENTER, "sh", "/work/dir", "/bin/sh", "-c", "echo hi"),
                program.argv().subList(program.argv().size() - 8, program.argv().size()));
        assertTrue(program.argv().contains(Supervisor.INIT_IN_ROOTFS), program.argv().toString());
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

        ContainerProgram.of(spec(rootfs, "/w" + outside + "/made", null, LinuxNamespaces.CLONE_NEWNS), UserDatabase::host);
        ContainerProgram.of(spec(rootfs, "/up/made", null, LinuxNamespaces.CLONE_NEWNS), UserDatabase::host);

        assertFalse(Files.exists(outside), "nothing is created on the host");
        assertTrue(Files.isDirectory(rootfs.resolve(outside.toString().substring(1)).resolve("made")));
    }

    @Test
    void theUserIsTheImagesWithTheImagesGroups() throws Exception {
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(tmp.resolve("sandbox"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/:/bin/sh\napp:x:1234:2345::/:/bin/sh\n"
                + "bad:x:x1:0::/:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "app:x:2345:\nextra:x:3456:root,app\nother:x:4567:root\n");

        ContainerProgram program = ContainerProgram.of(spec(rootfs, "/", "app", LinuxNamespaces.CLONE_NEWNS),
                UserDatabase::host);

        int at = program.argv().indexOf(ContainerProgram.SETPRIV);
        assertEquals(List.of(ContainerProgram.SETPRIV, "--reuid=1234", "--regid=2345", "--groups=2345,3456", "--",
                ContainerProgram.SH), program.argv().subList(at, at + 6), "looked up in the image, not on the host");

        LaunchException unknown = assertThrows(LaunchException.class, () -> ContainerProgram.of(
                spec(rootfs, "/", "nobody", LinuxNamespaces.CLONE_NEWNS), UserDatabase::host));
        assertEquals("Invalid user 'nobody': no such user in the image's /etc/passwd", unknown.getMessage());
        LaunchException bad = assertThrows(LaunchException.class, () -> ContainerProgram.of(
                spec(rootfs, "/", "bad", LinuxNamespaces.CLONE_NEWNS), UserDatabase::host));
        assertEquals("Invalid user 'bad': its entry in the image's /etc/passwd has uid 'x1' and gid '0'",
                bad.getMessage());
    }

    @Test
    void aUserDatabaseThatIsNotARegularFileIsNotRead() throws Exception {
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(tmp.resolve("sandbox"));
        Path fifo = rootfs.resolve("etc/passwd");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());

        LaunchException e = assertThrows(LaunchException.class, () -> ContainerProgram.of(
                spec(rootfs, "/", "app", LinuxNamespaces.CLONE_NEWNS), UserDatabase::host));
        assertEquals("Invalid user 'app': no such user in the image's /etc/passwd", e.getMessage());
    }

    @Test
    void aRootfsNotBoundOntoItselfOrWithoutAMountNamespaceIsRefused() throws Exception {
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(tmp.resolve("sandbox"));
        LaunchSpec full = spec(rootfs, "/", null, LinuxNamespaces.CLONE_NEWNS);
        ContainerLaunchInfo unbound = full.launchInfo().toBuilder().removeMounts(0).build();
        LaunchSpec spec = new LaunchSpec(full.containerId(), full.sandbox(), unbound, full.argv(), full.environment(),
                full.workingDirectory(), null, full.stdout(), full.stderr(), full.exitStatusFile());
        LaunchException e = assertThrows(LaunchException.class, () -> ContainerProgram.of(spec, UserDatabase::host));
        assertEquals("Invalid launch info: 'rootfs' ('" + rootfs + "') must be bind-mounted onto itself (as"
                + " filesystem/linux declares) so that it can become the container's root", e.getMessage());

        LaunchException noMountNs = assertThrows(LaunchException.class, () -> ContainerProgram.of(
                spec(rootfs, "/", null), UserDatabase::host));
        assertTrue(noMountNs.getMessage().contains("needs a mount namespace"), noMountNs.getMessage());
    }
}
