package corral.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.Origin;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.isolators.posix.PosixCpuProvider;
import corral.agent.isolators.posix.PosixMemProvider;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.MesosJson;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {

    @TempDir
    Path dir;

    private static PlannedIsolator planned(IsolatorProvider provider) {
        return new PlannedIsolator(provider.id(), "0", "corral.agent", Origin.BUILTIN, provider.description(),
                provider.create(null).isolator().orElseThrow());
    }

    private static IsolatorPlan posix() {
        return new IsolatorPlan(List.of(planned(new PosixCpuProvider()), planned(new PosixMemProvider())));
    }

    private static String newId() {
        return "run-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Struct json(Path file) throws Exception {
        return MesosJson.parse(Files.readString(file), Struct.newBuilder()).build();
    }

    @Test
    void echoHelloPrintsHelloAndWritesTheStatusFile() throws Exception {
        String id = newId();
        Path statusFile = dir.resolve("status.json");
        TestInvocation invocation = new TestInvocation(dir, posix(),
                Map.of("container_id", List.of(id), "status_file", List.of(statusFile.toString()),
                        "resources", List.of("cpus:0.5;mem:128;disk:64")),
                List.of("echo", "hello"));
        assertEquals(0, new RunCommand().run(invocation));
        assertEquals("hello\n", invocation.outText());
        Path sandbox = dir.resolve("work/sandboxes").resolve(id);
        assertEquals("hello\n", Files.readString(sandbox.resolve("stdout")));
        assertTrue(Files.exists(sandbox.resolve("stderr")));
        Struct status = json(statusFile);
        assertEquals(id, status.getFieldsOrThrow("container_id").getStringValue());
        assertEquals(sandbox.toString(), status.getFieldsOrThrow("directory").getStringValue());
        assertEquals("TASK_FINISHED", status.getFieldsOrThrow("state").getStringValue());
        assertEquals(0, status.getFieldsOrThrow("exit_status").getNumberValue());
        assertEquals(0, status.getFieldsOrThrow("exit_code").getNumberValue());
        Struct containerStatus = status.getFieldsOrThrow("container_status").getStructValue();
        assertEquals(id, containerStatus.getFieldsOrThrow("container_id").getStructValue()
                .getFieldsOrThrow("value").getStringValue());
        assertTrue(containerStatus.getFieldsOrThrow("executor_pid").getNumberValue() > 0);
        Struct address = containerStatus.getFieldsOrThrow("network_infos").getListValue().getValues(0).getStructValue()
                .getFieldsOrThrow("ip_addresses").getListValue().getValues(0).getStructValue();
        assertEquals("127.0.0.1", address.getFieldsOrThrow("ip_address").getStringValue(),
                "without a network isolator the container is on the agent's address, as Mesos reports it");
        assertEquals("IPv4", address.getFieldsOrThrow("protocol").getStringValue());
        Struct statistics = status.getFieldsOrThrow("statistics").getStructValue();
        // protobuf's JSON printer writes 64-bit integers as strings; Mesos writes numbers
        var memLimit = statistics.getFieldsOrThrow("mem_limit_bytes");
        assertEquals(134217728L, memLimit.hasStringValue() ? Long.parseLong(memLimit.getStringValue())
                : (long) memLimit.getNumberValue());
        assertFalse(status.containsFields("reason"));
        String root = corral.isolator.cgroups.CgroupsSettings.from(invocation.config()).root();
        for (String hierarchy : List.of("freezer", "unified", "net_cls")) {
            Path cgroup = Path.of("/sys/fs/cgroup", hierarchy, root);
            assertFalse(Files.exists(cgroup) && Files.list(cgroup).noneMatch(Files::isDirectory),
                    "run leaves no empty --cgroups_root behind: " + cgroup);
        }
    }

    @Test
    void echoHelloWithThePosixLauncher() {
        String before = System.getProperty("corral.test.launcher");
        System.setProperty("corral.test.launcher", "posix");
        try {
            TestInvocation invocation = new TestInvocation(dir, posix(), Map.of(), List.of("echo", "hello"));
            assertEquals(0, new RunCommand().run(invocation));
            assertEquals("hello\n", invocation.outText());
            TestInvocation killed = new TestInvocation(dir, posix(), Map.of("command", List.of("kill -9 $$")), List.of());
            assertEquals(137, new RunCommand().run(killed));
        } finally {
            if (before == null) {
                System.clearProperty("corral.test.launcher");
            } else {
                System.setProperty("corral.test.launcher", before);
            }
        }
    }

    @Test
    void exitCodeAndStderrArePropagated() throws Exception {
        Path statusFile = dir.resolve("status.json");
        TestInvocation invocation = new TestInvocation(dir, posix(),
                Map.of("command", List.of("echo oops >&2; exit 3"), "status_file", List.of(statusFile.toString()),
                        "env", List.of("{\"X\":\"y\"}")),
                List.of());
        assertEquals(3, new RunCommand().run(invocation));
        assertEquals("oops\n", invocation.errText());
        Struct status = json(statusFile);
        assertEquals("TASK_FAILED", status.getFieldsOrThrow("state").getStringValue());
        assertEquals(768, status.getFieldsOrThrow("exit_status").getNumberValue());
        assertEquals(3, status.getFieldsOrThrow("exit_code").getNumberValue());
    }

    @Test
    void killedBySignalExitsWith128PlusN() {
        TestInvocation invocation = new TestInvocation(dir, posix(), Map.of("command", List.of("kill -9 $$")), List.of());
        assertEquals(137, new RunCommand().run(invocation));
    }

    @Test
    void launchFailureExitsOneWithTheMessageAndStatus() throws Exception {
        Isolator refusing = new Isolator() {
            @Override
            public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
                throw new IsolatorException("No room for container " + containerId.getValue());
            }
        };
        String id = newId();
        Path statusFile = dir.resolve("status.json");
        TestInvocation invocation = new TestInvocation(dir,
                new IsolatorPlan(List.of(new PlannedIsolator("test/refusing", "0", "m", Origin.PLUGIN, "", refusing))),
                Map.of("container_id", List.of(id), "status_file", List.of(statusFile.toString())), List.of("true"));
        assertEquals(1, new RunCommand().run(invocation));
        assertEquals("Failed to launch container: No room for container " + id + "\n", invocation.errText());
        Struct status = json(statusFile);
        assertEquals("TASK_FAILED", status.getFieldsOrThrow("state").getStringValue());
        assertEquals("REASON_CONTAINER_LAUNCH_FAILED", status.getFieldsOrThrow("reason").getStringValue());
        assertEquals(1, status.getFieldsOrThrow("exit_code").getNumberValue());
    }

    @Test
    void usageErrorsExitTwoNamingFlagAndValue() {
        record Case(Map<String, List<String>> flags, List<String> trailing, String message) {
        }
        List<Case> cases = List.of(
                new Case(Map.of(), List.of(), "Exactly one of '--command=STRING' and '-- CMD ARGS...' must be given"),
                new Case(Map.of("command", List.of("true")), List.of("true"),
                        "Exactly one of '--command=STRING' and '-- CMD ARGS...' must be given"),
                new Case(Map.of("resources", List.of("cpus:lots")), List.of("true"),
                        "Invalid value for --resources 'cpus:lots': bad value 'lots' for resource 'cpus'"),
                new Case(Map.of("volume", List.of("/only-one-part")), List.of("true"),
                        "Invalid value for --volume '/only-one-part': expected HOST:CONTAINER[:ro|rw]"),
                new Case(Map.of("env", List.of("{\"A\":1}")), List.of("true"),
                        "Invalid value for --env '{\"A\":1}': the value of 'A' is not a string"),
                new Case(Map.of("container_id", List.of("../etc")), List.of("true"),
                        "Invalid container_id '../etc'"));
        for (Case c : cases) {
            TestInvocation invocation = new TestInvocation(dir, posix(), c.flags(), c.trailing());
            assertEquals(2, new RunCommand().run(invocation), c.toString());
            assertTrue(invocation.errText().startsWith(c.message()), invocation.errText());
        }
        assertFalse(Files.exists(dir.resolve("work")), "nothing created for a usage error");
    }
}
