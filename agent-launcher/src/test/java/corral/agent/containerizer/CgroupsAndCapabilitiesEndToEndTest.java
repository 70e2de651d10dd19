package corral.agent.containerizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.discovery.IsolatorPlan;
import corral.bindings.CgroupFs;
import corral.isolator.cgroups.Hierarchies;
import corral.isolator.cgroups.Hierarchy;
import corral.agent.discovery.Origin;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.launcher.linux.LinuxLauncher;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.MesosJson;
import corral.isolator.spi.mesos.CapabilityInfo;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.LinuxInfo;
import corral.isolator.spi.mesos.TaskState;
import corral.isolator.testkit.TestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgroups/net_cls} and {@code linux/capabilities}, found as plugins, run by the containerizer
 * on the Linux launcher: the capability sets a task really has ({@code /proc/self/status}), whether
 * {@code ping} works with and without {@code NET_RAW}, and the class id of the task's net_cls cgroup
 * in its final status.
 */
class CgroupsAndCapabilitiesEndToEndTest {

    private static final long NET_RAW = 1L << 13;
    private static final Path PING = Path.of("/usr/bin/ping");

    @TempDir
    Path dir;

    private final String root = "corral-test-" + UUID.randomUUID().toString().substring(0, 8);
    private DefaultContainerizer containerizer;
    private boolean netClsWasMounted;

    @BeforeEach
    void needs() throws IOException {
        if (!LinuxLauncher.available()) {
            System.out.println("SKIPPED CgroupsAndCapabilitiesEndToEndTest: needs root");
        }
        Assumptions.assumeTrue(LinuxLauncher.available(), "needs root");
        netClsWasMounted = Hierarchies.detect().v1("net_cls").isPresent();
    }

    @AfterEach
    void clean() throws IOException {
        if (containerizer != null) {
            Fixtures.destroyAll(containerizer);
        }
        for (String hierarchy : List.of("net_cls", "freezer")) {
            Path r = Path.of("/sys/fs/cgroup", hierarchy, root);
            if (Files.isDirectory(r)) {
                try (var children = Files.list(r)) {
                    assertEquals(List.of(), children.filter(Files::isDirectory).toList(), "cgroups left behind");
                }
                Files.delete(r);
            }
        }
        // cgroups/net_cls mounts the hierarchy as Mesos does; undo that if this test caused it
        Optional<Hierarchy> netCls = Hierarchies.detect().v1("net_cls");
        if (!netClsWasMounted && netCls.isPresent() && netCls.get().cgroup("").children().isEmpty()) {
            CgroupFs.umount2(netCls.get().mountPoint(), 0);
            Files.deleteIfExists(netCls.get().mountPoint());
        }
    }

    private DefaultContainerizer containerizer(Map<String, Object> settings, String... ids) throws Exception {
        getClass().getModule().addUses(IsolatorProvider.class);
        Map<String, IsolatorProvider> providers = new HashMap<>();
        ServiceLoader.load(IsolatorProvider.class).stream().map(ServiceLoader.Provider::get)
                .forEach(p -> providers.put(p.id(), p));
        Map<String, Object> all = new HashMap<>(settings);
        all.put("corral.cgroups.cgroups_root", root);
        TestContext context = TestContext.of(dir, all, ids);
        List<PlannedIsolator> planned = List.of(ids).stream()
                .map(id -> new PlannedIsolator(id, "0-test", "test", Origin.PLUGIN, id,
                        providers.get(id).create(context).isolator()
                                .orElseThrow(() -> new AssertionError(providers.get(id).create(context)))))
                .toList();
        containerizer = new DefaultContainerizer(Fixtures.settings(dir), new IsolatorPlan(planned),
                new LinuxLauncher(root));
        return containerizer;
    }

    private static CapabilityInfo caps(String json) {
        return MesosJson.parse(json, CapabilityInfo.newBuilder()).build();
    }

    private FinalStatus run(ContainerID id, LinuxInfo linux, String script) throws Exception {
        LaunchRequest request = new LaunchRequest(id, CommandInfo.newBuilder().setShell(true).setValue(script).build(),
                Optional.of(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS).setLinuxInfo(linux).build()),
                List.of(), Optional.empty());
        containerizer.launch(request);
        return containerizer.wait(id).orElseThrow().get(60, TimeUnit.SECONDS);
    }

    private static Map<String, Long> capabilitySets(String stdout) {
        Map<String, Long> sets = new HashMap<>();
        stdout.lines().filter(l -> l.startsWith("Cap")).forEach(l -> {
            String[] f = l.split(":\\s*");
            sets.put(f[0], Long.parseUnsignedLong(f[1].trim(), 16));
        });
        return sets;
    }

    private String stdout(ContainerID id) throws IOException {
        return Files.readString(dir.resolve("work/sandboxes").resolve(id.getValue()).resolve("stdout"));
    }

    @Test
    void netRawAllowedPingsAndTheTaskHasExactlyThatCapability() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PING), "needs ping (apt-get install -y iputils-ping)");
        containerizer(Map.of("corral.cgroups.cgroups_net_cls_primary_handle", "0x12"),
                "cgroups/net_cls", "linux/capabilities");
        ContainerID id = Fixtures.id("ping");
        FinalStatus status = run(id, LinuxInfo.newBuilder()
                        .setEffectiveCapabilities(caps("{\"capabilities\":[\"NET_RAW\"]}")).build(),
                "grep ^Cap /proc/self/status; grep net_cls /proc/self/cgroup; ping -c 1 -W 5 127.0.0.1");
        String out = stdout(id);
        assertEquals(TaskState.TASK_FINISHED, status.state(), out);
        Map<String, Long> sets = capabilitySets(out);
        assertEquals(Map.of("CapInh", NET_RAW, "CapPrm", NET_RAW, "CapEff", NET_RAW, "CapBnd", NET_RAW,
                "CapAmb", NET_RAW), sets, out);
        assertTrue(out.contains("1 packets transmitted, 1 received"), out);
        // the task ran in its net_cls cgroup, whose class id is in the final status
        assertTrue(out.lines().anyMatch(l -> l.endsWith(":net_cls:/" + root + "/" + id.getValue())), out);
        assertEquals(0x120001, status.containerStatus().getCgroupInfo().getNetCls().getClassid());
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/net_cls", root, id.getValue())), "cgroup removed");
    }

    @Test
    void anEmptyListDropsEveryCapabilityAndPingFails() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PING), "needs ping (apt-get install -y iputils-ping)");
        containerizer(Map.of(), "linux/capabilities");
        ContainerID id = Fixtures.id("noping");
        FinalStatus status = run(id, LinuxInfo.newBuilder().setEffectiveCapabilities(caps("{\"capabilities\":[]}"))
                .build(), "grep ^Cap /proc/self/status; ping -c 1 -W 5 127.0.0.1");
        String out = stdout(id);
        assertEquals(Map.of("CapInh", 0L, "CapPrm", 0L, "CapEff", 0L, "CapBnd", 0L, "CapAmb", 0L),
                capabilitySets(out), out);
        assertEquals(TaskState.TASK_FAILED, status.state(), out);
        assertNotEquals(0, status.exitCode());
        assertFalse(out.contains("1 received"), out);
    }

    @Test
    void theOperatorsBoundingSetLimitsWhatATaskMayAskFor() throws Exception {
        containerizer(Map.of("corral.capabilities.bounding_capabilities", "{\"capabilities\":[\"CHOWN\"]}"),
                "linux/capabilities");
        ContainerID id = Fixtures.id("refused");
        ContainerizerException e = assertThrows(ContainerizerException.class, () -> run(id, LinuxInfo.newBuilder()
                        .setEffectiveCapabilities(caps("{\"capabilities\":[\"NET_RAW\",\"NET_ADMIN\"]}")).build(),
                "echo ran"));
        assertEquals("Failed to launch container: Requested capabilities '{ NET_ADMIN, NET_RAW }', but only "
                + "'{ CHOWN }' are allowed", e.getMessage());
        assertFalse(Files.exists(dir.resolve("work/sandboxes").resolve(id.getValue()).resolve("stdout"))
                && !stdout(id).isEmpty(), "the task never ran");
    }
}
