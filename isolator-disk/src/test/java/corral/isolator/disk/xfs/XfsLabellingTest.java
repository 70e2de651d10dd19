package corral.isolator.disk.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.bindings.FsXattr;
import corral.bindings.NativeException;
import corral.bindings.Quota;
import corral.isolator.disk.DiskSettings;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Project labelling on a real XFS (loop-mounted, no quota needed): read back with
 * {@code FS_IOC_FSGETXATTR}. Needs root; runs on the host kernel.
 */
class XfsLabellingTest {

    private static LoopXfs xfs;

    @BeforeAll
    static void mountXfs() throws Exception {
        xfs = LoopXfs.mount("defaults");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (xfs != null) {
            xfs.close();
        }
    }

    private static Path fresh(String name) throws Exception {
        return Files.createDirectories(xfs.mountPoint().resolve(name + "-" + System.nanoTime()));
    }

    @Test
    void labelsEveryDirectoryAndFileWithTheProjectAndDirectoriesWithInherit() throws Exception {
        Path sandbox = fresh("sandbox");
        Files.createDirectories(sandbox.resolve("a/b/c"));
        Files.writeString(sandbox.resolve("top.txt"), "x");
        Files.write(sandbox.resolve("a/b/c/deep.bin"), new byte[8192]);

        long labelled = FsXattr.setTree(sandbox, 5042);

        assertEquals(6, labelled);
        for (Path dir : new Path[] {sandbox, sandbox.resolve("a"), sandbox.resolve("a/b"), sandbox.resolve("a/b/c")}) {
            FsXattr.Attributes a = FsXattr.get(dir);
            assertEquals(5042, a.projectId(), dir.toString());
            assertTrue(a.inheritsProject(), dir + " has FS_XFLAG_PROJINHERIT");
        }
        assertEquals(5042, FsXattr.get(sandbox.resolve("top.txt")).projectId());
        assertEquals(5042, FsXattr.get(sandbox.resolve("a/b/c/deep.bin")).projectId());
        // the kernel gives files created later the directory's project: what makes the quota hold
        Files.writeString(sandbox.resolve("a/b/later.txt"), "y");
        assertEquals(5042, FsXattr.get(sandbox.resolve("a/b/later.txt")).projectId());

        assertEquals(6 + 1, FsXattr.setTree(sandbox, 0));
        assertEquals(0, FsXattr.get(sandbox.resolve("a/b/c/deep.bin")).projectId());
        assertFalse(FsXattr.get(sandbox.resolve("a")).inheritsProject());
    }

    @Test
    void symlinksAreSkippedAndNeverFollowed() throws Exception {
        Path outside = fresh("outside");
        Files.writeString(outside.resolve("secret.txt"), "not yours");
        Path sandbox = fresh("sandbox");
        Files.createSymbolicLink(sandbox.resolve("to-dir"), outside);
        Files.createSymbolicLink(sandbox.resolve("to-file"), outside.resolve("secret.txt"));
        Files.createDirectory(sandbox.resolve("sub"));
        Files.createSymbolicLink(sandbox.resolve("sub/up"), Path.of(".."));

        long labelled = FsXattr.setTree(sandbox, 5043);

        assertEquals(2, labelled, "the sandbox and sub, nothing reached through links");
        assertEquals(0, FsXattr.get(outside).projectId());
        assertEquals(0, FsXattr.get(outside.resolve("secret.txt")).projectId());
        assertFalse(FsXattr.get(outside).inheritsProject());
        NativeException onLink = assertThrows(NativeException.class, () -> FsXattr.get(sandbox.resolve("to-file")));
        assertEquals("ELOOP", onLink.errno().name());
    }

    @Test
    void aRootThatIsASymlinkIsRefused() throws Exception {
        Path real = fresh("real");
        Path link = xfs.mountPoint().resolve("link-" + System.nanoTime());
        Files.createSymbolicLink(link, real);

        NativeException e = assertThrows(NativeException.class, () -> FsXattr.setTree(link, 5044));
        // O_DIRECTORY|O_NOFOLLOW on a link: the kernel answers ENOTDIR
        assertTrue(e.getMessage().startsWith("open " + link + ": ENOTDIR"), e.getMessage());
        assertEquals(0, FsXattr.get(real).projectId());

        XfsIsolator isolator = new XfsIsolator(new DiskSettings(false, Duration.ofSeconds(15), "[5000-10000]", false, 10 << 20),
                xfs.mountPoint(), xfs.device(), new ProjectIds(ProjectRange.parse("[5000-10000]")));
        IsolatorException refused = assertThrows(IsolatorException.class, () -> isolator.prepare(
                ContainerID.newBuilder().setValue("c1").build(),
                ContainerConfig.newBuilder().setDirectory(link.toString())
                        .setCommandInfo(CommandInfo.newBuilder().setValue("true")).build()));
        assertEquals(link + " is not a directory", refused.getMessage());
        assertEquals(5001, isolator.projectIdsFree());
        assertEquals(0, FsXattr.get(real).projectId());
    }

    @Test
    void endlessNestingIsRefusedNotFollowedIntoAStackOverflow() throws Exception {
        Path sandbox = fresh("deep");
        Files.createDirectories(sandbox.resolve("d/".repeat(1001)));
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> FsXattr.setTree(sandbox, 5045));
        assertTrue(e.getMessage().startsWith("directories nested deeper than 1000 levels at " + sandbox), e.getMessage());
    }

    @Test
    void findsTheLoopDeviceOfAPath() throws Exception {
        assertEquals(xfs.device(), Quota.deviceOf(fresh("dev")));
        assertEquals(Quota.XFS_SUPER_MAGIC, Quota.statfsType(xfs.mountPoint()));
    }
}
