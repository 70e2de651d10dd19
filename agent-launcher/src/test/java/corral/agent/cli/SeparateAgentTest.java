package corral.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import corral.agent.TestProcesses;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} in an agent JVM of its own: as an unprivileged user, and stopped by SIGTERM. */
class SeparateAgentTest {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private Path shared;

    @AfterEach
    void cleanUp() throws IOException {
        for (Process p : started) {
            p.destroyForcibly();
        }
        if (shared != null) {
            try (Stream<Path> paths = Files.walk(shared)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The java command running {@link RunMain} with this test's module path, from {@code base}. */
    private static List<String> java(Path base, List<String> args) throws IOException {
        String modulePath = copyPath(System.getProperty("jdk.module.path"), base);
        String classPath = copyPath(System.getProperty("java.class.path"), base);
        Path testClasses = base == null ? Path.of("target/test-classes").toAbsolutePath()
                : copy(Path.of("target/test-classes").toAbsolutePath(), base);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "--module-path", modulePath, "--patch-module", "corral.agent=" + testClasses,
                "--add-reads", "corral.agent=ALL-UNNAMED", "--add-modules", "ALL-MODULE-PATH"));
        if (!classPath.isEmpty()) {
            command.addAll(List.of("-cp", classPath));
        }
        command.addAll(List.of("-m", "corral.agent/corral.agent.cli.RunMain"));
        command.addAll(args);
        return command;
    }

    private static String copyPath(String path, Path base) throws IOException {
        if (path == null || path.isEmpty()) {
            return "";
        }
        List<String> entries = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            Path source = Path.of(entry).toAbsolutePath();
            if (Files.exists(source)) {
                entries.add((base == null ? source : copy(source, base)).toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Copies a jar or class directory where an unprivileged user can read it. */
    private static Path copy(Path source, Path base) throws IOException {
        Path target = base.resolve(Integer.toHexString(source.toString().hashCode()) + "-" + source.getFileName());
        if (Files.exists(target)) {
            return target;
        }
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : paths.toList()) {
                Path t = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return target;
    }

    @Test
    void runsAsAnUnprivilegedUser() throws Exception {
        assumeTrue(isRoot(), "skipped: needs root to start the agent as nobody (uid 65534)");
        assumeTrue(new File("/usr/bin/setpriv").canExecute(), "skipped: no /usr/bin/setpriv");
        shared = Files.createTempDirectory(Path.of("/tmp"), "corral-nonroot-");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jars = Files.createDirectories(shared.resolve("jars"));
        Path agentDir = Files.createDirectories(shared.resolve("agent"));
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--"));
        String id = "nonroot-" + UUID.randomUUID().toString().substring(0, 8);
        command.addAll(java(jars, List.of(agentDir.toString(), "--container_id=" + id,
                "--status_file=" + agentDir.resolve("status.json"), "--", "sh", "-c", "echo hello; id -u")));
        try (Stream<Path> paths = Files.walk(shared)) {
            for (Path p : paths.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        new ProcessBuilder("chown", "-R", "65534:65534", agentDir.toString()).start().waitFor();
        Process agent = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(agent);
        String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, agent.exitValue(), output);
        assertEquals("hello\n65534\n", output);
        Path sandbox = agentDir.resolve("work/sandboxes").resolve(id);
        assertEquals("hello\n65534\n", Files.readString(sandbox.resolve("stdout")));
        assertEquals(65534, Files.getAttribute(sandbox, "unix:uid"));
        String status = Files.readString(agentDir.resolve("status.json"));
        assertTrue(status.contains("\"state\":\"TASK_FINISHED\""), status);
    }

    @Test
    void sigtermToTheAgentDestroysTheContainer() throws Exception {
        String id = "sigterm-" + UUID.randomUUID().toString().substring(0, 8);
        Path status = dir.resolve("status.json");
        Process agent = new ProcessBuilder(java(null, List.of(dir.toString(), "--container_id=" + id,
                "--status_file=" + status, "--", "sh", "-c", "sleep 60 & echo $! > child; echo ready; wait")))
                .redirectErrorStream(true).start();
        started.add(agent);
        Path child = dir.resolve("work/sandboxes").resolve(id).resolve("child");
        String ready = new java.io.BufferedReader(new java.io.InputStreamReader(agent.getInputStream())).readLine();
        assertEquals("ready", ready);
        long sleeper = Long.parseLong(Files.readString(child).trim());
        agent.destroy(); // SIGTERM
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, agent.exitValue());
        assertTrue(TestProcesses.gone(sleeper), "the container's processes are gone");
        String json = Files.readString(status);
        assertTrue(json.contains("\"state\":\"TASK_KILLED\""), json);
    }
}
