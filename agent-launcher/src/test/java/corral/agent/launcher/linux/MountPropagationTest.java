package corral.agent.launcher.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.LaunchedContainer;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.testkit.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code filesystem/linux} keeps the host's mount propagation (recursively slave, as Mesos): a mount
 * the host makes under a shared mount after the container started reaches the container, and the
 * container's own mounts never reach the host.
 */
class MountPropagationTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private Path dir;
    private Path shared;

    @BeforeEach
    void setUp() throws Exception {
        if (!LinuxLauncher.available()) {
            System.out.println("SKIPPED MountPropagationTest: needs root");
        }
        Assumptions.assumeTrue(LinuxLauncher.available(), "needs root");
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "corral-propagation-");
        shared = Files.createDirectories(dir.resolve("shared"));
        exec("mount", "--bind", shared.toString(), shared.toString());
        exec("mount", "--make-shared", shared.toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir == null) {
            return;
        }
        new ProcessBuilder("umount", "-R", "-l", shared.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).inheritIO().start().waitFor();
        for (String h : List.of("/sys/fs/cgroup/freezer", "/sys/fs/cgroup/unified", "/sys/fs/cgroup")) {
            Files.deleteIfExists(Path.of(h, "corral-test-" + run));
        }
    }

    @Test
    void hostMountsMadeLaterReachTheContainerAndNoneGoesBack() throws Exception {
        Path sandbox = Files.createDirectories(dir.resolve("sandbox"));
        Path late = Files.createDirectories(shared.resolve("late"));
        Files.createDirectories(shared.resolve("inside"));
        getClass().getModule().addUses(IsolatorProvider.class);
        IsolatorProvider provider = ServiceLoader.load(IsolatorProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("filesystem/linux")).findFirst().orElseThrow();
        TestContext context = TestContext.of(dir, Map.of("corral.agent.sandbox_directory", "/mnt/mesos/sandbox"),
                "filesystem/linux");
        ContainerID id = ContainerID.newBuilder().setValue("p-" + run).build();
        ContainerLaunchInfo info = provider.create(context).isolator().orElseThrow().prepare(id,
                ContainerConfig.newBuilder().setDirectory(sandbox.toString())
                        .setCommandInfo(CommandInfo.newBuilder().setValue("sh"))
                        .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)).build())
                .orElseThrow();
        // the container mounts a tmpfs of its own under the shared mount, then waits for the host's
        String script = "mount -t tmpfs own " + shared.resolve("inside") + "; i=0; while [ $i -lt 100 ]; do"
                + " grep -q ' " + late + " ' /proc/self/mountinfo && echo seen && exit 0; sleep 0.1; i=$((i+1)); done;"
                + " echo not-seen";
        LaunchSpec spec = new LaunchSpec(id, sandbox, info, List.of("sh", "-c", script), Map.of("PATH", "/usr/bin:/bin"),
                sandbox, null, sandbox.resolve("stdout"), sandbox.resolve("stderr"), null);
        LaunchedContainer c = new LinuxLauncher("corral-test-" + run).launch(spec);
        c.start();
        exec("mount", "-t", "tmpfs", "late", late.toString());
        assertEquals(0, c.exit().get(30, TimeUnit.SECONDS));
        assertEquals("seen\n", Files.readString(spec.stdout()), Files.readString(spec.stderr()));
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + shared.resolve("inside") + " "),
                "the container's mount did not reach the host");
        assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + late + " "));
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command));
    }
}
