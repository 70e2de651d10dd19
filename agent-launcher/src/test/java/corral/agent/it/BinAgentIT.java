package corral.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/agent}: the real script against the real build, and its rebuild decision against a
 * scratch checkout whose {@code mvn} and {@code java} only record how they were called.
 */
class BinAgentIT {

    static final Path SCRIPT = Agent.BASEDIR.getParent().resolve("bin/agent");

    @TempDir
    Path checkout;

    private Path calls;
    private Path sourceFile;
    private Path moduleJar;

    @Test
    void runsTheAgentOnTheModulePath() {
        // the build has just packaged everything; never rebuild from inside the build
        Agent.Result r = Agent.exec(List.of("sh", SCRIPT.toString(), "validate", "--isolation=posix/cpu,posix/cpu"),
                Map.of("CORRAL_SKIP_BUILD", "1", "JAVA_HOME", System.getProperty("java.home")));
        assertEquals(1, r.exit(), r.toString());
        assertEquals("Duplicate entries found in --isolation flag '[ posix/cpu, posix/cpu ]'\n", r.err());
    }

    @BeforeEach
    void scratchCheckout() throws IOException {
        Files.createDirectories(checkout.resolve("bin"));
        Files.copy(SCRIPT, checkout.resolve("bin/agent"));
        Files.writeString(checkout.resolve("pom.xml"), "<project/>");
        calls = checkout.resolve("calls");
        Path module = checkout.resolve("isolator-x");
        Files.createDirectories(module.resolve("src/main/java"));
        Files.writeString(module.resolve("pom.xml"), "<project/>");
        sourceFile = Files.writeString(module.resolve("src/main/java/X.java"), "class X {}");
        Path launcher = checkout.resolve("agent-launcher");
        Files.createDirectories(launcher.resolve("src/main/java"));
        Files.writeString(launcher.resolve("pom.xml"), "<project/>");
        Files.createDirectories(launcher.resolve("target/modules"));
        moduleJar = Files.writeString(Files.createDirectories(module.resolve("target")).resolve("isolator-x-1.jar"), "");
        Files.writeString(launcher.resolve("target/agent-launcher.jar"), "");
        executable(checkout.resolve("fake-mvn"), "#!/bin/sh\necho \"mvn $*\" >> " + calls
                + "\n[ -z \"${FAIL:-}\" ] || { echo 'BUILD FAILURE: X.java:1'; exit 1; }\n");
        executable(Files.createDirectories(checkout.resolve("jdk/bin")).resolve("java"),
                "#!/bin/sh\necho \"java $*\" >> " + calls + "\n");
        // sources older than the jars: the state right after a build
        for (Path p : List.of(checkout.resolve("pom.xml"), module.resolve("pom.xml"), sourceFile,
                launcher.resolve("pom.xml"))) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
        }
    }

    private static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Agent.Result script(Map<String, String> extra, String... args) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("MVN", checkout.resolve("fake-mvn").toString(),
                "JAVA_HOME", checkout.resolve("jdk").toString()));
        env.putAll(extra);
        List<String> command = new java.util.ArrayList<>(List.of("sh", checkout.resolve("bin/agent").toString()));
        command.addAll(List.of(args));
        return Agent.exec(command, env);
    }

    @Test
    void upToDateJarsAreRunWithoutBuilding() throws IOException {
        Agent.Result r = script(Map.of(), "isolators", "--format=json");
        assertEquals(0, r.exit(), r.toString());
        Path target = checkout.resolve("agent-launcher/target");
        assertEquals(List.of("java --enable-native-access=org.jnrproject.jffi --module-path " + target + "/modules:"
                + target + "/agent-launcher.jar --add-modules ALL-MODULE-PATH -m corral.agent/corral.agent.Main "
                + "isolators --format=json"), Files.readAllLines(calls));
        assertEquals("", r.out() + r.err(), "quiet");
    }

    @Test
    void aSourceNewerThanItsJarIsBuiltFirst() throws IOException {
        Files.setLastModifiedTime(sourceFile, FileTime.from(Instant.now().plusSeconds(5)));
        Agent.Result r = script(Map.of(), "version");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = Files.readAllLines(calls);
        assertEquals("mvn -B -q -DskipTests package", lines.get(0));
        assertTrue(lines.get(1).startsWith("java "), lines.toString());
        assertEquals("", r.out() + r.err(), "quiet");
    }

    @Test
    void aMissingJarIsBuiltFirst() throws IOException {
        Files.delete(moduleJar);
        script(Map.of(), "version");
        assertEquals("mvn -B -q -DskipTests package", Files.readAllLines(calls).get(0));
    }

    @Test
    void aFailedBuildShowsMavensOutputAndDoesNotRunTheAgent() throws IOException {
        Files.delete(checkout.resolve("agent-launcher/target/agent-launcher.jar"));
        Agent.Result r = script(Map.of("FAIL", "1"), "version");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("BUILD FAILURE: X.java:1"), r.toString());
        assertFalse(Files.readString(calls).contains("java "), "the agent must not run after a failed build");
    }
}
