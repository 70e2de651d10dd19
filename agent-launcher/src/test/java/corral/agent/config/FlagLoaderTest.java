package corral.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlagLoaderTest {

    private final FlagLoader loader = new FlagLoader(FlagRegistry.of(List.of(FlagRegistryTest.AGENT,
            FlagRegistryTest.DISK)));

    @TempDir
    Path dir;

    private Config load(String... args) {
        return loader.load(List.of(args), Map.of(), Map.of()).config();
    }

    private List<String> problems(Map<String, String> env, String... args) {
        return assertThrows(ConfigurationException.class, () -> loader.load(List.of(args), env, Map.of())).problems();
    }

    @Test
    void defaultsApplyWhenNothingIsGiven() {
        Config c = load();
        assertEquals("posix/cpu,posix/mem", c.getString("corral.agent.isolation"));
        assertEquals(5051, c.getInt("corral.agent.port"));
        assertFalse(c.hasPath("corral.agent.default_container_info"));
        assertTrue(c.getIsNull("corral.agent.default_container_info"));
    }

    @Test
    void valuesAreParsedByTheDefaultsType() {
        Config c = load("--isolation=disk/xfs", "--port=6000", "--xfs_kill_containers",
                "--executor_shutdown_grace_period=1mins", "--xfs_quota_headroom=1GB", "--authenticate_http_readwrite=1");
        assertEquals("disk/xfs", c.getString("corral.agent.isolation"));
        assertEquals(6000, c.getInt("corral.agent.port"));
        assertTrue(c.getBoolean("corral.disk.xfs_kill_containers"));
        assertTrue(c.getBoolean("corral.agent.authenticate_http_readwrite"));
        assertEquals("1mins", c.getString("corral.agent.executor_shutdown_grace_period"));
        assertEquals("1GB", c.getString("corral.disk.xfs_quota_headroom"));
    }

    @Test
    void noPrefixSetsABooleanToFalse() {
        assertFalse(load("--no-xfs_kill_containers").getBoolean("corral.disk.xfs_kill_containers"));
        assertFalse(load("--xfs_kill_containers=false").getBoolean("corral.disk.xfs_kill_containers"));
        assertFalse(load("--xfs_kill_containers=0").getBoolean("corral.disk.xfs_kill_containers"));
    }

    @Test
    void mesosMessagesForBadFlags() {
        assertEquals(List.of("Failed to load flag 'xfs_kill_containers': Failed to load value 'maybe': Expecting a "
                + "boolean (e.g., true or false)"), problems(Map.of(), "--xfs_kill_containers=maybe"));
        assertEquals(List.of("Failed to load non-boolean flag 'work_dir' via 'no-work_dir'"),
                problems(Map.of(), "--no-work_dir"));
        assertEquals(List.of("Failed to load unknown flag 'nope'"), problems(Map.of(), "--nope=1"));
        assertEquals(List.of("Flag 'port' is already loaded via name 'port'"),
                problems(Map.of(), "--port=1", "--port=2"));
        assertEquals(List.of("Failed to load flag 'executor_shutdown_grace_period': Failed to load value '5s': "
                + "Unknown duration unit 's'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', "
                + "and 'weeks'"), problems(Map.of(), "--executor_shutdown_grace_period=5s"));
        assertEquals(List.of("Failed to load flag 'xfs_quota_headroom': Failed to load value '1.5MB': "
                + "Fractional bytes '1.5MB'"), problems(Map.of(), "--xfs_quota_headroom=1.5MB"));
    }

    @Test
    void everyProblemIsReportedTogether() {
        List<String> problems = problems(Map.of("MESOS_PORT", "http"), "--nope", "--port=x", "--no-isolation",
                "stray");
        assertEquals(List.of(
                "Failed to load unknown flag 'nope'",
                "Failed to load non-boolean flag 'isolation' via 'no-isolation'",
                "Unexpected argument 'stray': flags are written --name=value, and a command follows '--'",
                "environment variable MESOS_PORT: Failed to load flag 'port': Failed to load value 'http': "
                        + "Expecting a number",
                "Failed to load flag 'port': Failed to load value 'x': Expecting a number"), problems);
    }

    @Test
    void deprecatedAliasLoadsTheNewFlagWithAWarningAndCannotBeCombined() {
        LoadedFlags flags = loader.load(List.of("--allowed_capabilities={\"capabilities\":[\"NET_RAW\"]}"), Map.of(),
                Map.of());
        assertEquals("{\"capabilities\":[\"NET_RAW\"]}", flags.config().getString("corral.disk.effective_capabilities"));
        assertEquals(List.of("Loaded deprecated flag 'allowed_capabilities'"), flags.warnings());
        assertEquals(List.of("Flag 'effective_capabilities' is already loaded via name 'allowed_capabilities'"),
                problems(Map.of(), "--allowed_capabilities={}", "--effective_capabilities={}"));
    }

    @Test
    void fileUrlValuesAreReadFromTheFile() throws IOException {
        Path value = Files.writeString(dir.resolve("isolation"), "disk/xfs,posix/cpu\n");
        assertEquals("disk/xfs,posix/cpu", load("--isolation=file://" + value).getString("corral.agent.isolation"));
        assertEquals(List.of("Failed to load flag 'isolation': Error reading file '/no/such/file': No such file or "
                + "directory"), problems(Map.of(), "--isolation=file:///no/such/file"));
    }

    @Test
    void precedenceIsCommandLineThenEnvironmentThenFileThenDefault() throws IOException {
        Path file = Files.writeString(dir.resolve("agent.conf"), """
                isolation = "from/file"
                work_dir = "/from/file"
                corral.agent.port = 6000
                """);
        Map<String, String> env = Map.of("MESOS_ISOLATION", "from/env", "MESOS_work_dir", "/from/env",
                "MESOS_NATIVE_JAVA_LIBRARY", "ignored: not a flag", "PATH", "/bin");
        LoadedFlags flags = loader.load(List.of("--config=" + file, "--isolation=from/cli"), env, Map.of());
        Config c = flags.config();
        assertEquals("from/cli", c.getString("corral.agent.isolation"));
        assertEquals("/from/env", c.getString("corral.agent.work_dir"));
        assertEquals(6000, c.getInt("corral.agent.port"));
        assertFalse(c.getBoolean("corral.agent.authenticate_http_readwrite"));
        assertEquals("from/cli", flags.values().get("isolation"));
        assertEquals("6000", flags.values().get("port"));
        assertEquals("false", flags.values().get("authenticate_http_readwrite"));

        LoadedFlags viaEnv = loader.load(List.of(), Map.of("MESOS_CONFIG", file.toString()), Map.of());
        assertEquals("from/file", viaEnv.config().getString("corral.agent.isolation"));
    }

    @Test
    void unknownKeysAndBadValuesInTheFileNameFileAndLine() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.conf"), """
                isolation = "x/y"
                colour = blue
                corral.agent.port = many
                corral.nosuch.key = 1
                """);
        assertEquals(List.of(
                file + ":2: Failed to load unknown flag 'colour'",
                file + ":4: Failed to load unknown flag 'corral.nosuch.key'",
                file + ":3: Failed to load flag 'corral.agent.port': Failed to load value 'many': Expecting a number"),
                problems(Map.of(), "--config=" + file));
    }

    @Test
    void hoconSyntaxErrorsNameFileAndLine() throws IOException {
        Path file = Files.writeString(dir.resolve("broken.conf"), "isolation = \"a/b\"\nport = {\n");
        List<String> problems = problems(Map.of(), "--config=" + file);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith(file + ": 2:") || problems.get(0).startsWith(file + ": 3:"),
                problems.get(0));
    }

    @Test
    void aMissingConfigFileIsNamed() {
        assertEquals(List.of("Failed to load flag 'config': file '/no/such.conf' does not exist"),
                problems(Map.of(), "--config=/no/such.conf"));
    }

    @Test
    void commandFlagsAndTrailingArgumentsAreKeptApart() {
        LoadedFlags flags = loader.load(List.of("--volume=/a:/b", "--isolation=x/y", "--volume=/c:/d",
                "--status_file=/s", "--", "echo", "--port=1"), Map.of(), Map.of("volume", true, "status_file", false));
        assertEquals(Map.of("volume", List.of("/a:/b", "/c:/d"), "status_file", List.of("/s")), flags.commandFlags());
        assertEquals(List.of("echo", "--port=1"), flags.trailingArguments());
        assertEquals("x/y", flags.config().getString("corral.agent.isolation"));
        assertEquals(List.of("Flag 'status_file' is already loaded via name 'status_file'"),
                assertThrows(ConfigurationException.class, () -> loader.load(List.of("--status_file=a",
                        "--status_file=b"), Map.of(), Map.of("status_file", false))).problems());
    }
}
