package corral.agent.launcher.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.LaunchedContainer;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.Volume;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.testkit.TestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code namespaces/pid} and {@code filesystem/shared}, found as plugins, prepared, merged and run by
 * the Linux launcher: what {@code bin/agent run --isolation=namespaces/pid,filesystem/shared
 * --volume=tmp:/tmp} does, without the containerizer.
 */
class NamespacesIsolatorsOnLinuxLauncherTest {

    private static final String ROOT = "corral-linuxtest-" + UUID.randomUUID().toString().substring(0, 8);

    private Path work;
    private LinuxLauncher launcher;

    @BeforeEach
    void setUp() throws Exception {
        if (!LinuxLauncher.available()) {
            System.out.println("SKIPPED NamespacesIsolatorsOnLinuxLauncherTest: needs root");
        }
        Assumptions.assumeTrue(LinuxLauncher.available(), "needs root");
        // not under /tmp: a volume on /tmp must not hide the sandbox
        work = Files.createTempDirectory(Path.of("/var/tmp"), "corral-test-");
        launcher = new LinuxLauncher(ROOT);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (work != null) {
            try (Stream<Path> all = Files.walk(work)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        corral.isolator.cgroups.Hierarchy h = ContainerCgroup.findHierarchy();
        if (h != null) {
            Files.deleteIfExists(h.mountPoint().resolve(ROOT));
        }
    }

    private List<Isolator> isolators(String... ids) {
        getClass().getModule().addUses(IsolatorProvider.class);
        Map<String, IsolatorProvider> providers = ServiceLoader.load(IsolatorProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .collect(Collectors.toMap(IsolatorProvider::id, p -> p));
        TestContext context = TestContext.of(work, Map.of(), ids);
        return Stream.of(ids).map(id -> providers.get(id).create(context).isolator().orElseThrow()).toList();
    }

    private static ContainerLaunchInfo merge(List<ContainerLaunchInfo> infos) {
        ContainerLaunchInfo.Builder merged = ContainerLaunchInfo.newBuilder();
        infos.forEach(merged::mergeFrom);
        List<Integer> clone = List.copyOf(new TreeSet<>(merged.getCloneNamespacesList()));
        return merged.clearCloneNamespaces().addAllCloneNamespaces(clone).build();
    }

    @Test
    void pidNamespaceAndSharedFilesystemTogether() throws Exception {
        Path sandbox = Files.createDirectories(work.resolve("sandbox"));
        Path ro = Files.createDirectories(work.resolve("ro"));
        ContainerID id = ContainerID.newBuilder().setValue("e2e-" + UUID.randomUUID().toString().substring(0, 8)).build();
        ContainerConfig config = ContainerConfig.newBuilder()
                .setDirectory(sandbox.toString())
                .setCommandInfo(CommandInfo.newBuilder().setValue("sh"))
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                        .addVolumes(Volume.newBuilder().setHostPath("tmp").setContainerPath("/tmp").setMode(Volume.Mode.RW))
                        .addVolumes(Volume.newBuilder().setHostPath(ro.toString()).setContainerPath("/mnt")
                                .setMode(Volume.Mode.RO)))
                .build();
        // Mesos's prepare order: filesystem isolators first
        List<ContainerLaunchInfo> infos = isolators("filesystem/shared", "namespaces/pid").stream()
                .map(i -> i.prepare(id, config)).flatMap(java.util.Optional::stream).toList();
        String before = Files.readString(Path.of("/proc/self/mountinfo")).lines().filter(l -> l.contains(" - proc "))
                .sorted().collect(Collectors.joining("\n"));
        LaunchSpec spec = new LaunchSpec(id, sandbox, merge(infos),
                List.of("sh", "-c", "echo $$; ps -e -o comm=; stat -c %a /tmp; touch /tmp/made; touch /mnt/x || echo refused"),
                Map.of("PATH", "/usr/bin:/bin"), sandbox, null, sandbox.resolve("stdout"), sandbox.resolve("stderr"), null);
        LaunchedContainer c = launcher.launch(spec);
        c.start();
        assertEquals(0, c.exit().get(30, TimeUnit.SECONDS));
        String out = Files.readString(spec.stdout());
        assertEquals(List.of("2", "sh", "sh", "ps", "1777", "refused"), out.lines().toList(), out);
        assertTrue(Files.exists(sandbox.resolve("tmp/made")), "/tmp of the container is the sandbox's tmp");
        assertTrue(Files.readString(spec.stderr()).contains("Read-only file system"));
        String after = Files.readString(Path.of("/proc/self/mountinfo")).lines().filter(l -> l.contains(" - proc ")
                || l.contains(work.toString())).sorted().collect(Collectors.joining("\n"));
        assertEquals(before, after, "no container mount reached the host");
    }
}
