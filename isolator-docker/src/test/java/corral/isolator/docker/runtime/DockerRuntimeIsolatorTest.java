package corral.isolator.docker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.docker.ImageManifest;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.Environment;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.testkit.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerRuntimeIsolatorTest {

    static final ContainerID ID = ContainerID.newBuilder().setValue("c1").build();

    @TempDir
    Path tmp;

    static ContainerConfig config(ImageManifest.Config image, CommandInfo command) {
        return ContainerConfig.newBuilder().setDirectory("/sandbox").setCommandInfo(command)
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS))
                .setRootfs("/rootfs")
                .setDocker(ContainerConfig.Docker.newBuilder().setManifest(ImageManifest.newBuilder().setConfig(image)))
                .build();
    }

    static final ImageManifest.Config IMAGE = ImageManifest.Config.newBuilder()
            .addAllEnv(List.of("PATH=/bin", "GREETING=a=b", "NOEQUALS", "DUP=1", "DUP=2"))
            .setWorkingDir("/work/dir").addAllCmd(List.of("/bin/sh", "-c", "echo hi")).setUser("nobody").build();

    @Test
    void declaresTheImagesEnvWorkingDirAndCommand() {
        ContainerLaunchInfo launch = new DockerRuntimeIsolator(false)
                .prepare(ID, config(IMAGE, CommandInfo.newBuilder().setShell(false).build())).orElseThrow();

        assertEquals(List.of("PATH=/bin", "GREETING=a=b", "DUP=1", "DUP=2"),
                launch.getEnvironment().getVariablesList().stream().map(v -> v.getName() + "=" + v.getValue()).toList());
        assertTrue(launch.getEnvironment().getVariablesList().stream()
                .allMatch(v -> v.getType() == Environment.Variable.Type.VALUE));
        assertEquals("/work/dir", launch.getWorkingDirectory());
        assertEquals("/bin/sh", launch.getCommand().getValue());
        assertEquals(List.of("/bin/sh", "-c", "echo hi"), launch.getCommand().getArgumentsList());
        assertEquals(false, launch.getCommand().getShell());
        assertEquals(false, launch.hasRootfs(), "isolators must not set rootfs");
    }

    @Test
    void aShellCommandKeepsItsOwnCommandButGetsEnvAndWorkingDir() {
        ContainerLaunchInfo launch = new DockerRuntimeIsolator(false)
                .prepare(ID, config(IMAGE, CommandInfo.newBuilder().setValue("env").build())).orElseThrow();
        assertEquals(false, launch.hasCommand());
        assertEquals("/work/dir", launch.getWorkingDirectory());
        assertEquals(4, launch.getEnvironment().getVariablesCount());
    }

    @Test
    void aCommandTaskUsesTheTasksCommandOtherContainersTheirCommandInfo() {
        ImageManifest.Config entrypoint = ImageManifest.Config.newBuilder().addAllEntrypoint(List.of("/ep", "e1")).build();
        ContainerConfig executor = config(entrypoint, CommandInfo.newBuilder().setShell(false).addArguments("from-executor")
                .build());
        ContainerConfig task = executor.toBuilder().setTaskInfo(corral.isolator.spi.mesos.TaskInfo.newBuilder()
                .setName("t").setTaskId(corral.isolator.spi.mesos.TaskID.newBuilder().setValue("t"))
                .setSlaveId(corral.isolator.spi.mesos.SlaveID.newBuilder().setValue("s"))
                .setCommand(CommandInfo.newBuilder().setShell(false).addArguments("from-task"))).build();
        DockerRuntimeIsolator isolator = new DockerRuntimeIsolator(false);

        assertEquals(List.of("/ep", "e1", "from-executor"),
                isolator.prepare(ID, executor).orElseThrow().getCommand().getArgumentsList());
        assertEquals(List.of("/ep", "e1", "from-task"), isolator.prepare(ID, task).orElseThrow().getCommand().getArgumentsList());
    }

    @Test
    void ignoreRuntimeDeclaresNothing() {
        assertEquals(Optional.empty(), new DockerRuntimeIsolator(true)
                .prepare(ID, config(IMAGE, CommandInfo.newBuilder().setShell(false).build())));
    }

    @Test
    void noImageOrNoContainerInfoDeclaresNothing() {
        DockerRuntimeIsolator isolator = new DockerRuntimeIsolator(false);
        ContainerConfig withImage = config(IMAGE, CommandInfo.newBuilder().setValue("true").build());
        assertEquals(Optional.empty(), isolator.prepare(ID, withImage.toBuilder().clearDocker().build()));
        assertEquals(Optional.empty(), isolator.prepare(ID, withImage.toBuilder().clearContainerInfo().build()));
    }

    @Test
    void refusesDockerContainers() {
        ContainerConfig docker = config(IMAGE, CommandInfo.newBuilder().setValue("true").build()).toBuilder()
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)).build();
        IsolatorException e = assertThrows(IsolatorException.class, () -> new DockerRuntimeIsolator(false).prepare(ID, docker));
        assertEquals("Can only prepare docker runtime for a MESOS container", e.getMessage());
    }

    @Test
    void commandErrorsFailThePrepare() {
        ImageManifest.Config empty = ImageManifest.Config.newBuilder().addEnv("A=1").build();
        IsolatorException e = assertThrows(IsolatorException.class, () -> new DockerRuntimeIsolator(false)
                .prepare(ID, config(empty, CommandInfo.newBuilder().setShell(false).build())));
        assertEquals("Failed to determine the launch command: No executable is found", e.getMessage());
    }

    @Test
    void theProviderReadsDockerIgnoreRuntime() {
        getClass().getModule().addUses(IsolatorProvider.class);
        IsolatorProvider provider = ServiceLoader.load(IsolatorProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("docker/runtime")).findFirst().orElseThrow();
        var ignoring = provider.create(TestContext.of(tmp, Map.of("corral.docker.docker_ignore_runtime", true),
                "docker/runtime")).isolator().orElseThrow();
        assertEquals(Optional.empty(), ignoring.prepare(ID, config(IMAGE, CommandInfo.newBuilder().setShell(false).build())));
        var applying = provider.create(TestContext.of(tmp, Map.of(), "docker/runtime")).isolator().orElseThrow();
        assertTrue(applying.prepare(ID, config(IMAGE, CommandInfo.newBuilder().setShell(false).build())).isPresent());
        assertTrue(applying.supportsNesting() && applying.supportsStandalone());
    }

    @Test
    void aBadDockerSettingMakesItUnavailableNamingTheValue() {
        getClass().getModule().addUses(IsolatorProvider.class);
        IsolatorProvider provider = ServiceLoader.load(IsolatorProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("docker/runtime")).findFirst().orElseThrow();
        // a bad setting is an expected condition: a reason for the operator, not an exception (SPI contract)
        String reason = provider.create(TestContext.of(tmp, Map.of("corral.docker.docker_store_dir", "store"),
                "docker/runtime")).unavailableReason().orElseThrow();
        assertTrue(reason.contains("docker_store_dir must be an absolute path, not 'store'"), reason);
    }
}
