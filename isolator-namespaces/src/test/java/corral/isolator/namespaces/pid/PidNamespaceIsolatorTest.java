package corral.isolator.namespaces.pid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.MountFlags;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.LinuxInfo;
import corral.isolator.spi.mesos.slave.ContainerClass;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.testkit.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidNamespaceIsolatorTest {

    @TempDir
    Path dir;

    private static final ContainerID TOP = ContainerID.newBuilder().setValue("top").build();
    private static final ContainerID NESTED = ContainerID.newBuilder().setValue("child").setParent(TOP).build();

    private Isolator isolator(boolean disallow) {
        TestContext root = TestContext.of(dir, Map.of("corral.namespaces.disallow_sharing_agent_pid_namespace", disallow),
                "namespaces/pid").withRoot(true);
        return new PidNamespaceProvider().create(root).isolator().orElseThrow();
    }

    private ContainerConfig config(boolean share, ContainerClass containerClass) {
        return ContainerConfig.newBuilder().setDirectory(dir.toString())
                .setCommandInfo(CommandInfo.newBuilder().setValue("true"))
                .setContainerClass(containerClass)
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                        .setLinuxInfo(LinuxInfo.newBuilder().setSharePidNamespace(share)))
                .build();
    }

    @Test
    void declaresANewPidNamespaceAndTheProcMountMesosDeclares() {
        ContainerLaunchInfo info = isolator(false).prepare(TOP, config(false, ContainerClass.DEFAULT)).orElseThrow();
        assertEquals(List.of(LinuxNamespaces.CLONE_NEWPID), info.getCloneNamespacesList());
        assertEquals(1, info.getMountsCount());
        assertEquals("proc", info.getMounts(0).getSource());
        assertEquals("/proc", info.getMounts(0).getTarget());
        assertEquals("proc", info.getMounts(0).getType());
        assertEquals(MountFlags.MS_NOSUID | MountFlags.MS_NODEV | MountFlags.MS_NOEXEC, info.getMounts(0).getFlags());
    }

    @Test
    void sharingTheAgentPidNamespaceIsAllowedUnlessDisallowed() {
        assertTrue(isolator(false).prepare(TOP, config(true, ContainerClass.DEFAULT)).isEmpty());
        IsolatorException e = assertThrows(IsolatorException.class,
                () -> isolator(true).prepare(TOP, config(true, ContainerClass.DEFAULT)));
        assertEquals("Sharing agent pid namespace with top-level container is not allowed", e.getMessage());
    }

    @Test
    void nestedContainersEnterTheirParentsNamespaceFirst() {
        ContainerLaunchInfo info = isolator(true).prepare(NESTED, config(false, ContainerClass.DEFAULT)).orElseThrow();
        assertEquals(List.of(LinuxNamespaces.CLONE_NEWPID), info.getEnterNamespacesList());
        assertEquals(List.of(LinuxNamespaces.CLONE_NEWPID), info.getCloneNamespacesList());
        ContainerLaunchInfo debug = isolator(false).prepare(NESTED, config(false, ContainerClass.DEBUG)).orElseThrow();
        assertEquals(0, debug.getCloneNamespacesCount());
        assertEquals(0, debug.getMountsCount());
    }

    @Test
    void requiresRoot() {
        TestContext base = TestContext.of(dir, Map.of());
        TestContext user = new TestContext(base.config(), dir, dir, dir, List.of(), false);
        assertEquals("The pid namespace isolator requires root permissions",
                new PidNamespaceProvider().create(user).unavailableReason().orElseThrow());
    }
}
