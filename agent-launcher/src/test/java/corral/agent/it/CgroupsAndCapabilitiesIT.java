package corral.agent.it;

import static corral.agent.it.Agent.assertNoStackTrace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import corral.isolator.spi.MesosJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/agent run} with {@code cgroups/net_cls} and {@code linux/capabilities} on the Linux
 * launcher, as an operator runs it: the task's capability sets, ping with and without NET_RAW, the
 * class id in the status file, and the startup errors of bad flags.
 */
class CgroupsAndCapabilitiesIT {

    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

    @TempDir
    Path dir;

    private final String root = "corral-test-" + UUID.randomUUID().toString().substring(0, 8);
    private boolean netClsWasMounted;

    @BeforeEach
    void needs() throws IOException {
        boolean root = "0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
        if (!root) {
            System.out.println("SKIPPED CgroupsAndCapabilitiesIT: needs root");
        }
        Assumptions.assumeTrue(root, "needs root");
        netClsWasMounted = netClsMounted();
    }

    private static boolean netClsMounted() throws IOException {
        return Files.readString(Path.of("/proc/self/mountinfo")).lines()
                .anyMatch(l -> l.contains(" - cgroup ") && l.matches(".*[ ,]net_cls(,.*)?$"));
    }

    @AfterEach
    void clean() throws Exception {
        for (String hierarchy : List.of("net_cls", "freezer", "unified")) {
            Path r = CGROUPS.resolve(hierarchy).resolve(root);
            if (Files.isDirectory(r)) {
                try (Stream<Path> children = Files.list(r)) {
                    assertEquals(List.of(), children.filter(Files::isDirectory).toList(), "cgroups left behind");
                }
                Files.delete(r);
            }
        }
        Path netCls = CGROUPS.resolve("net_cls");
        if (!netClsWasMounted && netClsMounted()) {
            try (Stream<Path> children = Files.list(netCls)) {
                if (children.noneMatch(Files::isDirectory)) {
                    // the isolator mounts the hierarchy as Mesos does; undo what this test caused
                    assertEquals(0, new ProcessBuilder("umount", netCls.toString()).inheritIO().start().waitFor());
                }
            }
        }
    }

    private Agent.Result run(String containerInfo, String script) {
        return Agent.run("run", "--launcher=linux", "--isolation=cgroups/net_cls,linux/capabilities",
                "--cgroups_root=" + root, "--cgroups_net_cls_primary_handle=0x12",
                "--cgroups_net_cls_secondary_handles=0x0011,0x0012", "--work_dir=" + dir.resolve("work"),
                "--runtime_dir=" + dir.resolve("run"), "--status_file=" + dir.resolve("status.json"),
                "--container_info=" + containerInfo, "--", "sh", "-c", script);
    }

    private Struct status() throws IOException {
        return MesosJson.parse(Files.readString(dir.resolve("status.json")), Struct.newBuilder()).build();
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no " + prefix + ")");
    }

    @Test
    void netRawLetsPingWorkAndTheClassidIsInTheStatusFile() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ping")), "needs ping (iputils-ping)");
        Agent.Result r = run("{\"type\":\"MESOS\",\"linux_info\":{\"effective_capabilities\":"
                + "{\"capabilities\":[\"NET_RAW\"]}}}",
                "grep ^Cap /proc/self/status; grep net_cls /proc/self/cgroup; ping -c 1 -W 5 127.0.0.1");
        assertEquals(0, r.exit(), r.toString());
        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
            assertEquals(set + ":\t0000000000002000", line(r.out(), set + ":"), r.toString());
        }
        assertTrue(r.out().contains("1 packets transmitted, 1 received"), r.toString());
        Struct status = status();
        assertEquals("TASK_FINISHED", status.getFieldsOrThrow("state").getStringValue());
        String id = status.getFieldsOrThrow("container_id").getStringValue();
        assertTrue(r.out().lines().anyMatch(l -> l.endsWith(":net_cls:/" + root + "/" + id)), r.toString());
        // 0x12 << 16 | 0x11: the lowest secondary handle of the range, as Mesos's ContainerStatus test
        assertEquals(1179665, status.getFieldsOrThrow("container_status").getStructValue()
                .getFieldsOrThrow("cgroup_info").getStructValue().getFieldsOrThrow("net_cls").getStructValue()
                .getFieldsOrThrow("classid").getNumberValue());
        assertFalse(Files.exists(CGROUPS.resolve("net_cls").resolve(root).resolve(id)), "cgroup removed");
    }

    @Test
    void anEmptyListDropsEveryCapabilityAndPingFails() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ping")), "needs ping (iputils-ping)");
        Agent.Result r = run("{\"type\":\"MESOS\",\"linux_info\":{\"effective_capabilities\":{}}}",
                "grep ^Cap /proc/self/status; ping -c 1 -W 5 127.0.0.1");
        assertNotEquals(0, r.exit(), r.toString());
        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
            assertEquals(set + ":\t0000000000000000", line(r.out(), set + ":"), r.toString());
        }
        assertEquals("TASK_FAILED", status().getFieldsOrThrow("state").getStringValue());
    }

    @Test
    void badFlagsStopTheAgentWithMesossMessages() {
        Agent.Result handles = Agent.run("validate", "--isolation=cgroups/net_cls",
                "--cgroups_net_cls_primary_handle=0x12", "--cgroups_net_cls_secondary_handles=0x0,0x2");
        assertEquals(1, handles.exit(), handles.toString());
        assertTrue(handles.err().contains("Failed to create isolator 'cgroups/net_cls': Failed to create subsystem "
                + "'net_cls': Failed to create subsystem 'net_cls': The secondary handle has to be a non-zero value."),
                handles.toString());
        assertNoStackTrace(handles);

        // --allowed_capabilities is the deprecated name of --effective_capabilities
        Agent.Result subset = Agent.run("validate", "--isolation=linux/capabilities",
                "--allowed_capabilities={\"capabilities\":[\"NET_RAW\",\"NET_ADMIN\"]}",
                "--bounding_capabilities={\"capabilities\":[\"NET_RAW\"]}");
        assertEquals(1, subset.exit(), subset.toString());
        assertTrue(subset.err().contains("Failed to create isolator 'linux/capabilities': Allowed capabilities are "
                + "not a subset of the bounding capabilites"), subset.toString());

        Agent.Result unknown = Agent.run("validate", "--isolation=linux/capabilities",
                "--effective_capabilities={\"capabilities\":[\"NET_RAWW\"]}");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("Invalid value '{\"capabilities\":[\"NET_RAWW\"]}' for flag "
                + "--effective_capabilities"), unknown.toString());
        assertNoStackTrace(unknown);
    }

    @Test
    void anAgentWithoutCapSetpcapCannotUseTheIsolator() {
        // root, but with CAP_SETPCAP out of its bounding set and so out of its effective set
        Agent.Result r = Agent.exec(List.of("setpriv", "--bounding-set=-setpcap",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--module-path",
                Agent.MODULES + java.io.File.pathSeparator + Agent.JAR, "--add-modules", "ALL-MODULE-PATH", "-m",
                "corral.agent/corral.agent.Main", "validate", "--isolation=linux/capabilities"), java.util.Map.of());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Failed to create isolator 'linux/capabilities': Linux capabilities isolator "
                + "requires the CAP_SETPCAP capability, which the agent lacks (CapEff "), r.toString());
        assertNoStackTrace(r);
    }
}
