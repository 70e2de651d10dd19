package corral.agent.containerizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.mesos.CapabilityInfo;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.Environment;
import corral.isolator.spi.mesos.RLimitInfo;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchInfosTest {

    private static String refusal(ContainerLaunchInfo... infos) {
        return assertThrows(IllegalArgumentException.class, () -> LaunchInfos.merge(List.of(infos))).getMessage();
    }

    @Test
    void conflictsGetMesossMessages() {
        ContainerLaunchInfo workdir = ContainerLaunchInfo.newBuilder().setWorkingDirectory("/w").build();
        ContainerLaunchInfo caps = ContainerLaunchInfo.newBuilder().setEffectiveCapabilities(CapabilityInfo.getDefaultInstance()).build();
        ContainerLaunchInfo rlimits = ContainerLaunchInfo.newBuilder().setRlimits(RLimitInfo.getDefaultInstance()).build();
        ContainerLaunchInfo tty = ContainerLaunchInfo.newBuilder().setTtySlavePath("/dev/pts/1").build();
        ContainerLaunchInfo empty = ContainerLaunchInfo.getDefaultInstance();
        assertEquals("Isolator should not specify rootfs", refusal(ContainerLaunchInfo.newBuilder().setRootfs("/r").build()));
        assertEquals("Isolator should not specify user", refusal(empty, ContainerLaunchInfo.newBuilder().setUser("u").build()));
        assertEquals("Multiple isolators specify working directory", refusal(workdir, empty, workdir));
        assertEquals("Multiple isolators specify effective capabilities", refusal(caps, caps));
        assertEquals("Multiple isolators specify rlimits", refusal(rlimits, rlimits));
        assertEquals("Multiple isolators specify tty", refusal(tty, tty));
        // one of each is fine
        ContainerLaunchInfo merged = LaunchInfos.merge(List.of(workdir, caps, rlimits, tty));
        assertEquals("/w", merged.getWorkingDirectory());
        assertEquals("/dev/pts/1", merged.getTtySlavePath());
    }

    @Test
    void repeatedFieldsConcatenateAndNamespacesAndGroupsAreDeduplicated() {
        ContainerLaunchInfo a = ContainerLaunchInfo.newBuilder()
                .addCloneNamespaces(LinuxNamespaces.CLONE_NEWPID).addCloneNamespaces(LinuxNamespaces.CLONE_NEWNS)
                .addSupplementaryGroups(10).addMounts(ContainerMountInfo.newBuilder().setTarget("/a"))
                .setEnvironment(Environment.newBuilder().addVariables(Environment.Variable.newBuilder().setName("A").setValue("1")))
                .setCommand(CommandInfo.newBuilder().addArguments("--x"))
                .build();
        ContainerLaunchInfo b = ContainerLaunchInfo.newBuilder()
                .addCloneNamespaces(LinuxNamespaces.CLONE_NEWNS).addEnterNamespaces(LinuxNamespaces.CLONE_NEWNET)
                .addEnterNamespaces(LinuxNamespaces.CLONE_NEWNET).addSupplementaryGroups(10).addSupplementaryGroups(5)
                .addMounts(ContainerMountInfo.newBuilder().setTarget("/b"))
                .setEnvironment(Environment.newBuilder().addVariables(Environment.Variable.newBuilder().setName("B").setValue("2")))
                .setCommand(CommandInfo.newBuilder().addArguments("--y"))
                .build();
        ContainerLaunchInfo merged = LaunchInfos.merge(List.of(a, b));
        assertEquals(List.of(LinuxNamespaces.CLONE_NEWNS, LinuxNamespaces.CLONE_NEWPID), merged.getCloneNamespacesList());
        assertEquals(List.of(LinuxNamespaces.CLONE_NEWNET), merged.getEnterNamespacesList());
        assertEquals(List.of(5, 10), merged.getSupplementaryGroupsList());
        assertEquals(List.of("/a", "/b"), merged.getMountsList().stream().map(ContainerMountInfo::getTarget).toList());
        assertEquals(List.of("A", "B"), merged.getEnvironment().getVariablesList().stream()
                .map(Environment.Variable::getName).toList());
        assertEquals(List.of("--x", "--y"), merged.getCommand().getArgumentsList(), "commands merge");
    }
}
