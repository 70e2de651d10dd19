package corral.agent.it;

import static corral.agent.it.Agent.assertNoStackTrace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as operators run it: a separate process on the real module path; exit codes and messages. */
class CliIT {

    @TempDir
    Path dir;

    @Test
    void duplicateIsolatorsAreRefusedWithMesossMessage() {
        Agent.Result r = Agent.run("validate", "--isolation=posix/cpu,posix/cpu");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Duplicate entries found in --isolation flag '[ posix/cpu, posix/cpu ]'"),
                r.toString());
        assertNoStackTrace(r);
    }

    @Test
    void anUnknownIsolatorIsNamedWithTheAvailableOnes() {
        Agent.Result r = Agent.run("validate", "--isolation=nope/x");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Unknown or unsupported isolator 'nope/x' (available: "), r.toString());
        assertNoStackTrace(r);
    }

    @Test
    void dockerImagesNeedTheDockerRuntimeIsolator() {
        Agent.Result r = Agent.run("validate", "--image_providers=docker", "--isolation=posix/cpu");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Docker runtime isolator has to be specified if 'DOCKER' is included in "
                + "'image_providers'. Please add 'docker/runtime' to '--isolation' flags"), r.toString());
        assertTrue(r.err().contains("The 'filesystem/linux' isolator must be enabled for container image support"),
                r.toString());
    }

    @Test
    void anUnknownFlagIsNamedAndStopsEveryCommand() {
        for (String command : new String[] {"validate", "isolators", "serve"}) {
            Agent.Result r = Agent.run(command, "--no_such_flag=1");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("Failed to load unknown flag 'no_such_flag'"), r.toString());
            assertNoStackTrace(r);
        }
    }

    @Test
    void badFlagsOfRunAreUsageErrors() {
        Agent.Result r = Agent.run("run", "--no_such_flag=1", "--", "true");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Failed to load unknown flag 'no_such_flag'"), r.toString());
    }

    @Test
    void everyProblemIsReportedTogetherOneLineEach() {
        Agent.Result r = Agent.run(Map.of("MESOS_PORT", "eighty"), "validate", "--bogus", "--port=x",
                "--no-work_dir", "--authenticate_http_readwrite=maybe", "--isolation=a/b,a/b");
        assertEquals(1, r.exit(), r.toString());
        String[] lines = r.err().strip().split("\n");
        assertEquals(7, lines.length, r.toString());
        assertTrue(r.err().contains("Unknown or unsupported isolator 'a/b'"), r.toString());
        assertTrue(r.err().contains("Failed to load unknown flag 'bogus'\n"), r.toString());
        assertTrue(r.err().contains("Failed to load non-boolean flag 'work_dir' via 'no-work_dir'\n"), r.toString());
        assertTrue(r.err().contains("environment variable MESOS_PORT: Failed to load flag 'port': Failed to load "
                + "value 'eighty': Expecting a number\n"), r.toString());
        assertTrue(r.err().contains("Failed to load flag 'port': Failed to load value 'x': Expecting a number\n"),
                r.toString());
        assertTrue(r.err().contains("Failed to load flag 'authenticate_http_readwrite': Failed to load value "
                + "'maybe': Expecting a boolean (e.g., true or false)\n"), r.toString());
        assertTrue(r.err().contains("Duplicate entries found in --isolation flag '[ a/b, a/b ]'"), r.toString());
        assertNoStackTrace(r);
    }

    @Test
    void precedenceIsFlagThenEnvironmentThenFileThenDefault() throws IOException {
        Path file = Files.writeString(dir.resolve("agent.conf"), "isolation = \"from/file\"\n");
        String config = "--config=" + file;

        Agent.Result all = Agent.run(Map.of("MESOS_ISOLATION", "from/env"), "validate", config, "--isolation=from/flag");
        assertTrue(all.err().contains("Unknown or unsupported isolator 'from/flag'"), all.toString());
        assertFalse(all.err().contains("from/env") || all.err().contains("from/file"), all.toString());

        Agent.Result envAndFile = Agent.run(Map.of("MESOS_ISOLATION", "from/env"), "validate", config);
        assertTrue(envAndFile.err().contains("Unknown or unsupported isolator 'from/env'"), envAndFile.toString());
        assertFalse(envAndFile.err().contains("from/file"), envAndFile.toString());

        Agent.Result fileOnly = Agent.run("validate", config);
        assertTrue(fileOnly.err().contains("Unknown or unsupported isolator 'from/file'"), fileOnly.toString());

        Agent.Result defaults = Agent.run("validate");
        assertFalse(defaults.err().contains("from/"), defaults.toString());
        assertTrue(defaults.exit() == 0 || defaults.err().contains("'posix/cpu'"), defaults.toString());
    }

    @Test
    void aBrokenConfigFileIsNamedWithItsLine() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.conf"), "isolation = \"posix/cpu\"\nport = {\n");
        Agent.Result r = Agent.run("validate", "--config=" + broken);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith(broken + ": "), r.toString());
        assertNoStackTrace(r);

        Path unknown = Files.writeString(dir.resolve("unknown.conf"), "isolation = \"posix/cpu\"\n\ncolour = blue\n");
        r = Agent.run("validate", "--config=" + unknown);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(unknown + ":3: Failed to load unknown flag 'colour'"), r.toString());
    }

    @Test
    void isolatorsPrintsAJsonArrayOfRealProviders() {
        Agent.Result r = Agent.run("isolators", "--format=json");
        assertEquals(0, r.exit(), r.toString());
        String json = r.out().strip();
        assertTrue(json.startsWith("[") && json.endsWith("]"), r.toString());
        assertFalse(json.contains("\"name\":\"filesystem/posix\"") && !json.contains("\"module\":\"corral."),
                "no stub isolator is listed: " + json);
    }

    @Test
    void helpDescribesEveryFlagAndOneFlagOnRequest() {
        Agent.Result all = Agent.run("--help");
        assertEquals(0, all.exit(), all.toString());
        assertTrue(all.out().contains("--work_dir=VALUE  (default: /var/lib/corral)"), all.toString());
        assertTrue(all.out().contains("--authenticate_http_readwrite  (default: false)"), all.toString());

        Agent.Result one = Agent.run("help", "executor_shutdown_grace_period");
        assertEquals(0, one.exit(), one.toString());
        assertTrue(one.out().startsWith("  --executor_shutdown_grace_period=VALUE  (default: 5secs)\n"),
                one.toString());
        assertFalse(one.out().contains("--work_dir"), one.toString());

        Agent.Result asFlag = Agent.run("validate", "--help");
        assertEquals(0, asFlag.exit(), asFlag.toString());
        assertEquals(all.out(), asFlag.out());

        Agent.Result alias = Agent.run("help", "allowed_capabilities");
        assertEquals(0, alias.exit(), alias.toString());
        assertTrue(alias.out().startsWith("  --effective_capabilities=VALUE"), alias.toString());

        Agent.Result unknown = Agent.run("help", "nope");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("Unknown flag 'nope'"), unknown.toString());
    }

    @Test
    void versionNamesAgentSpiAndIsolatorModules() {
        Agent.Result r = Agent.run("version");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("corral agent 0."), r.toString());
        assertTrue(r.out().contains("isolator SPI 1."), r.toString());
        assertTrue(r.out().contains("corral.isolator.disk "), r.toString());
    }

    @Test
    void aMissingOrUnknownCommandIsAUsageError() {
        assertEquals(2, Agent.run().exit());
        Agent.Result r = Agent.run("launch");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("Unknown command 'launch'."), r.toString());
    }

    @Test
    void validateMakesTheChecksOfServeAndRunToo() {
        Agent.Result r = Agent.run("validate", "--port=70000", "--default_container_info=nope");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("--port=70000 is not a port number (0 to 65535)\n"), r.toString());
        assertTrue(r.err().contains("Invalid value at 'corral.agent.default_container_info': Failed to parse 'nope' as a"
                + " JSON ContainerInfo"), r.toString());
        assertFalse(r.err().contains("merge of"), "no Typesafe Config origins: " + r);
        assertNoStackTrace(r);

        r = Agent.run("validate", "--authenticate_http_readwrite");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("--authenticate_http_readwrite needs --http_credentials"), r.toString());

        Path absent = dir.resolve("absent.json");
        r = Agent.run("validate", "--http_credentials=" + absent);
        assertEquals(1, r.exit(), r.toString());
        assertEquals("--http_credentials=" + absent + ": cannot read " + absent + ": No such file or directory\n", r.err());
    }

    @Test
    void flagsThatNameAFileTakeAFileUrlAsThatFile() throws IOException {
        Path credentials = Files.writeString(dir.resolve("credentials.json"),
                "{\"credentials\":[{\"principal\":\"ops\",\"secret\":\"s3cret-" + dir.getFileName() + "\"}]}\n");
        Agent.Result r = Agent.run("validate", "--authenticate_http_readwrite", "--http_credentials=file://" + credentials);
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.out().contains("s3cret") || r.err().contains("s3cret"), "the secret is never printed: " + r);

        Path config = Files.writeString(dir.resolve("agent.conf"), "isolation = \"posix/cpu,posix/cpu\"\n");
        r = Agent.run("validate", "--config=file://" + config);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Duplicate entries found in --isolation flag '[ posix/cpu, posix/cpu ]'"), r.toString());
    }

    @Test
    void aBadValueAnIsolatorReadsIsTheOperatorsErrorNotTheIsolatorsBug() {
        Agent.Result r = Agent.run("validate", "--isolation=disk/du", "--container_disk_watch_interval=0secs");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("Failed to create isolator 'disk/du': Invalid value at 'container_disk_watch_interval': must be"
                + " positive, got '0secs'\n", r.err());

        r = Agent.run("validate", "--isolation=docker/runtime,filesystem/linux", "--image_providers=docker",
                "--docker_layer_setuid=sometimes");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Failed to create isolator 'docker/runtime': Invalid value at 'docker_layer_setuid'"),
                r.toString());
        assertFalse(r.err().contains("a bug in it") || r.err().contains("merge of"), r.toString());
    }

    @Test
    void aStatusFileInAMissingDirectoryIsAUsageErrorAndNothingRuns() {
        Path ran = dir.resolve("ran");
        Agent.Result r = Agent.run("run", "--work_dir=" + dir.resolve("work"), "--runtime_dir=" + dir.resolve("run"),
                "--status_file=" + dir.resolve("missing/status.json"), "--", "touch", ran.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals("Invalid value for --status_file '" + dir.resolve("missing/status.json") + "': no directory '"
                + dir.resolve("missing") + "'\n", r.err());
        assertFalse(Files.exists(ran), "the task did not run");
    }

    @Test
    void runExitsWithTheTasksStatusAndWritesTheFinalStatus() throws IOException {
        String[] dirs = {"--work_dir=" + dir.resolve("work"), "--runtime_dir=" + dir.resolve("run")};
        Path status = dir.resolve("status.json");
        Agent.Result r = Agent.run("run", dirs[0], dirs[1], "--status_file=" + status, "--container_id=code",
                "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exit(), r.toString());
        assertEquals("out\n", r.out());
        String json = Files.readString(status);
        assertTrue(json.startsWith("{\"container_id\":\"code\",\"directory\":\"" + dir.resolve("work/sandboxes/code")
                + "\",\"state\":\"TASK_FAILED\",\"exit_status\":768,\"exit_code\":3,"), json);
        assertEquals("out\n", Files.readString(dir.resolve("work/sandboxes/code/stdout")));
        assertEquals("err\n", Files.readString(dir.resolve("work/sandboxes/code/stderr")));
        assertFalse(Files.exists(dir.resolve("run/containers/code")), "the checkpoint is gone after the run");

        r = Agent.run("run", dirs[0], dirs[1], "--status_file=" + status, "--", "sh", "-c", "kill -9 $$");
        assertEquals(128 + 9, r.exit(), r.toString());
        // the supervisor between task and agent reports death by signal N as the shell does: 128 + N
        assertTrue(Files.readString(status).contains("\"exit_status\":35072,\"exit_code\":137"), Files.readString(status));

        r = Agent.run("run", dirs[0], dirs[1], "--status_file=" + status, "--", "/no/such/program");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("Failed to launch container: Invalid command '/no/such/program': no such file\n", r.err());
        assertTrue(Files.readString(status).contains("\"reason\":\"REASON_CONTAINER_LAUNCH_FAILED\""),
                Files.readString(status));
    }

    @Test
    void serveRefusesABadValueBeforeRecoveryTouchesAnything() throws IOException {
        Path orphan = Files.createDirectories(dir.resolve("run/containers/orphan"));
        Agent.Result r = Agent.run("serve", "--port=0", "--work_dir=" + dir.resolve("work"),
                "--runtime_dir=" + dir.resolve("run"), "--default_container_info=nope");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value at 'corral.agent.default_container_info'"), r.toString());
        assertTrue(Files.isDirectory(orphan), "recovery did not run: " + r);
    }
}
