package corral.agent.containerizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import corral.agent.discovery.AgentIsolatorContext;
import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.Origin;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.launcher.linux.LinuxLauncher;
import corral.agent.testimages.BusyboxImage;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.Environment;
import corral.isolator.spi.mesos.Image;
import corral.isolator.spi.mesos.TaskState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A docker image end to end, as {@code bin/agent run --isolation=filesystem/linux,docker/runtime,namespaces/pid
 * --image_providers=docker --docker_registry=DIR --docker_image=busybox:1.0} does it: the image (a
 * {@code docker save} archive made here with GNU tar from Debian's busybox-static) is provisioned
 * as an overlay, the task runs the image's Entrypoint + Cmd inside it, as PID 2 of its own pid
 * namespace, with the image's Env under the command's and its WorkingDir created, the sandbox at
 * {@code /mnt/mesos/sandbox}; afterwards no mount is left and the layers are extracted once.
 */
class DockerImageOnLinuxLauncherTest {

    private static final Path BUSYBOX = BusyboxImage.BUSYBOX;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private Path dir;
    private DefaultContainerizer containerizer;
    private ImageProvisioners images;

    @BeforeEach
    void setUp() throws Exception {
        boolean overlay = Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n");
        String why = !LinuxLauncher.available() ? "needs root" : !Files.isRegularFile(BUSYBOX)
                ? "needs busybox-static (apt-get install -y busybox-static)" : !overlay ? "needs overlayfs" : null;
        if (why != null) {
            System.out.println("SKIPPED DockerImageOnLinuxLauncherTest: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "corral-docker-e2e-");
        writeImage(Files.createDirectories(dir.resolve("registry")));
        Config config = ConfigFactory.parseMap(Map.of(
                        "corral.agent.work_dir", dir.resolve("work").toString(),
                        "corral.agent.runtime_dir", dir.resolve("run").toString(),
                        "corral.agent.executor_shutdown_grace_period", "1secs",
                        "corral.agent.image_providers", "docker",
                        "corral.docker.docker_registry", dir.resolve("registry").toString(),
                        "corral.docker.docker_store_dir", dir.resolve("store").toString()))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        ContainerizerSettings settings = ContainerizerSettings.from(config);
        List<String> ids = List.of("filesystem/linux", "docker/runtime", "namespaces/pid");
        getClass().getModule().addUses(IsolatorProvider.class);
        Map<String, IsolatorProvider> providers = ServiceLoader.load(IsolatorProvider.class).stream()
                .map(ServiceLoader.Provider::get).collect(Collectors.toMap(IsolatorProvider::id, p -> p));
        List<PlannedIsolator> planned = new ArrayList<>();
        for (String id : ids) {
            var context = AgentIsolatorContext.forIsolator(id, config, settings.workDir(), settings.runtimeDir(), ids, true);
            planned.add(new PlannedIsolator(id, "test", "test", Origin.BUILTIN, id,
                    providers.get(id).create(context).isolator().orElseThrow(() -> new AssertionError(id + ": "
                            + providers.get(id).create(context).unavailableReason().orElse("")))));
        }
        images = ImageProvisioners.create(config, settings, ids, true);
        containerizer = new DefaultContainerizer(settings, new IsolatorPlan(planned),
                new LinuxLauncher("corral-test-" + run), images);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir == null) {
            return;
        }
        if (containerizer != null) {
            containerizer.close();
        }
        List<String> mounts = mountsUnder(dir);
        for (String m : mounts) {
            new ProcessBuilder("umount", "-l", m).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).inheritIO().start().waitFor();
        for (String hierarchy : List.of("/sys/fs/cgroup/freezer", "/sys/fs/cgroup/unified", "/sys/fs/cgroup")) {
            Files.deleteIfExists(Path.of(hierarchy, "corral-test-" + run));
        }
        assertEquals(List.of(), mounts, "mounts left behind");
    }

    @Test
    void runsTheImagesEntrypointAndCmdInsideItsRootfs() throws Exception {
        ContainerID id = ContainerID.newBuilder().setValue("img-" + run).build();
        FinalStatus status = launch(id);

        String out = Files.readString(containerizer.sandbox(id).resolve("stdout"));
        assertEquals(TaskState.TASK_FINISHED, status.state(), status + "\nstdout: " + out + "\nstderr: "
                + Files.readString(containerizer.sandbox(id).resolve("stderr")));
        assertEquals(List.of(
                "hello from image, command",      // image Env under CommandInfo.environment
                "/work/dir",                      // the image's WorkingDir, created
                "/mnt/mesos/sandbox",             // MESOS_SANDBOX
                "2",                              // PID 2 in its own pid namespace (the supervisor is 1)
                "data group passwd"               // layer 2 whited out etc/motd and added etc/data
        ), out.lines().toList().subList(0, 5), out);
        // /proc is the container's pid namespace: the supervisor (1), sh (2) and the pipeline's few processes
        List<Integer> pids = Stream.of(out.lines().toList().get(5).split(" ")).map(Integer::valueOf).toList();
        assertEquals(List.of(1, 2), pids.subList(0, 2), out);
        assertTrue(pids.stream().allMatch(p -> p < 50), out);
        assertEquals("in the sandbox\n", Files.readString(containerizer.sandbox(id).resolve("written")));
        assertEquals(List.of(), mountsUnder(dir), "the rootfs is unmounted after the container");
        assertFalse(Files.exists(dir.resolve("work/provisioner/containers/" + id.getValue())));
    }

    @Test
    void binAgentRunRunsTheImage() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = new corral.agent.cli.Cli(new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).run(new String[] {"run",
                    "--work_dir=" + dir.resolve("cli-work"), "--runtime_dir=" + dir.resolve("cli-run"),
                    "--isolation=filesystem/linux,docker/runtime,namespaces/pid", "--image_providers=docker",
                    "--docker_registry=" + dir.resolve("registry"), "--docker_store_dir=" + dir.resolve("store"),
                    "--docker_image=busybox:1.0", "--container_id=cli-" + run, "--env={\"WHO\":\"cli\"}"});
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.startsWith("hello from image, cli\n/work/dir\n/mnt/mesos/sandbox\n2\n"), text);
        assertEquals(List.of(), mountsUnder(dir));
    }

    @Test
    void fiftyLaunchesExtractTheLayersOnceAndLeaveNoMounts() throws Exception {
        launch(ContainerID.newBuilder().setValue("warm-" + run).build());
        Map<Path, Object> inodes = new HashMap<>();
        try (Stream<Path> layers = Files.list(dir.resolve("store/layers"))) {
            for (Path layer : layers.toList()) {
                inodes.put(layer, Files.getAttribute(layer.resolve("rootfs"), "unix:ino"));
            }
        }
        assertEquals(2, inodes.size());
        for (int i = 0; i < 50; i++) {
            ContainerID id = ContainerID.newBuilder().setValue("n" + i + "-" + run).build();
            FinalStatus status = launch(id);
            assertEquals(TaskState.TASK_FINISHED, status.state(), status.toString());
            assertTrue(Files.readString(containerizer.sandbox(id).resolve("stdout")).startsWith("hello from image"));
        }
        assertEquals(2, extractedLayers(), "the two layers are extracted by the first launch only");
        for (Map.Entry<Path, Object> e : inodes.entrySet()) {
            assertEquals(e.getValue(), Files.getAttribute(e.getKey().resolve("rootfs"), "unix:ino"), "never replaced");
        }
        try (Stream<Path> left = Files.list(dir.resolve("work/provisioner/containers"))) {
            assertEquals(List.of(), left.toList());
        }
        assertEquals(List.of(), mountsUnder(dir));
    }

    /** The docker provisioner's gauge, as {@code /metrics/snapshot} shows it. */
    private long extractedLayers() {
        return images.metrics().get("corral/docker_store/layers_extracted").longValue();
    }

    @Test
    void runsAsAUserOfTheImageThatTheHostDoesNotKnow() throws Exception {
        ContainerID id = ContainerID.newBuilder().setValue("user-" + run).build();
        CommandInfo command = CommandInfo.newBuilder().setShell(true).setUser("imguser")
                .setValue("id -u; id -G; stat -c %u:%g $MESOS_SANDBOX; touch $MESOS_SANDBOX/mine").build();
        ContainerInfo info = ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.DOCKER)
                        .setDocker(Image.Docker.newBuilder().setName("busybox:1.0"))))
                .build();
        containerizer.launch(new LaunchRequest(id, command, Optional.of(info), List.of(), Optional.empty()));
        FinalStatus status = containerizer.wait(id).orElseThrow().get(60, TimeUnit.SECONDS);

        Path sandbox = containerizer.sandbox(id);
        assertEquals(TaskState.TASK_FINISHED, status.state(), status + Files.readString(sandbox.resolve("stderr")));
        // the image's uid, gid and groups; the sandbox given to them, not to a host user of that name
        assertEquals(List.of("4321", "4322 4323", "4321:4322"), Files.readAllLines(sandbox.resolve("stdout")));
        assertEquals(4321, Files.getAttribute(sandbox.resolve("mine"), "unix:uid"));
    }

    private FinalStatus launch(ContainerID id) throws Exception {
        CommandInfo command = CommandInfo.newBuilder().setShell(false)
                .setEnvironment(Environment.newBuilder().addVariables(Environment.Variable.newBuilder()
                        .setName("WHO").setValue("command").setType(Environment.Variable.Type.VALUE)))
                .build();
        ContainerInfo info = ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.DOCKER)
                        .setDocker(Image.Docker.newBuilder().setName("busybox:1.0"))))
                .build();
        containerizer.launch(new LaunchRequest(id, command, Optional.of(info), List.of(), Optional.empty()));
        return containerizer.wait(id).orElseThrow().get(60, TimeUnit.SECONDS);
    }

    /** The test image, its Cmd printing what the tests check. */
    private void writeImage(Path registry) throws Exception {
        String script = "echo \"$GREETING, $WHO\"; pwd; echo $MESOS_SANDBOX; echo $$; busybox ls /etc | busybox xargs;"
                + " busybox ls /proc | busybox grep -E '^[0-9]+$' | busybox xargs;"
                + " echo in the sandbox > $MESOS_SANDBOX/written";
        BusyboxImage.write(Files.createDirectories(dir.resolve("build")), registry.resolve("busybox.tar"),
                "{\"Env\":[\"PATH=/bin\",\"GREETING=hello from image\",\"WHO=image\"],"
                + "\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":[" + BusyboxImage.json(script) + "],"
                + "\"WorkingDir\":\"/work/dir\"}");
    }

    private static List<String> mountsUnder(Path dir) throws IOException {
        return BusyboxImage.mountsUnder(dir);
    }
}
