package corral.isolator.disk.xfs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * disk/xfs against a kernel with XFS project quotas. The host kernel has none, so this boots
 * User-Mode Linux ({@code uml/run.sh}) once, runs {@link XfsQuotaGuest} there with this test's own
 * classes and jars (the guest sees the host's / read-only), and turns each scenario the guest reports
 * into one test. The boot is bounded ({@value #TIMEOUT_S} s) and leaves nothing behind.
 */
class XfsQuotaUmlTest {

    static final int TIMEOUT_S = 300;
    private static Path runDir;
    private static List<String> results = List.of();
    private static String console = "";

    @BeforeAll
    static void bootGuest() throws Exception {
        Path script = findRunScript();
        Assumptions.assumeTrue(script != null, "uml/run.sh not found above " + Path.of("").toAbsolutePath());
        boolean haveUml = Files.isExecutable(Path.of("/usr/bin/linux.uml")) || System.getenv("UML") != null;
        if (!haveUml) {
            System.out.println("SKIPPED XfsQuotaUmlTest: linux.uml is missing (apt-get install -y user-mode-linux)");
        }
        Assumptions.assumeTrue(haveUml, "linux.uml is missing (apt-get install -y user-mode-linux)");
        Assumptions.assumeTrue(LoopXfs.onPath("mkfs.xfs"), "mkfs.xfs is missing (apt-get install -y xfsprogs)");

        runDir = Files.createDirectories(Path.of("target", "uml-" + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath());
        Path resultsFile = runDir.resolve("results.txt");
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> argv = new ArrayList<>(List.of(script.toString(), "-t", String.valueOf(TIMEOUT_S),
                "-l", runDir.resolve("console.log").toString(), "-e", "pqnoenforce", "-e", "uquota", "--",
                java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", classPath(), XfsQuotaGuest.class.getName(), resultsFile.toString(), "/tmp/xfs"));
        Process uml = new ProcessBuilder(argv).directory(runDir.toFile()).redirectErrorStream(true)
                .redirectOutput(runDir.resolve("run.out").toFile()).start();
        if (!uml.waitFor(TIMEOUT_S + 30, TimeUnit.SECONDS)) {
            uml.destroy(); // run.sh's trap stops the guest
            uml.waitFor(10, TimeUnit.SECONDS);
            uml.destroyForcibly();
        }
        console = Files.readString(runDir.resolve("run.out"));
        if (Files.exists(resultsFile)) {
            results = Files.readAllLines(resultsFile, StandardCharsets.UTF_8);
        }
        System.out.println("UML guest exit " + uml.exitValue() + "; results:\n  " + String.join("\n  ", results));
    }

    @AfterAll
    static void removeRunDir() throws Exception {
        if (runDir != null && results.stream().allMatch(l -> l.startsWith("PASS"))) {
            LoopXfs.deleteTree(runDir); // kept when something failed: console.log says why
        }
    }

    @TestFactory
    Stream<DynamicTest> quotaScenariosInsideUml() {
        return XfsQuotaGuest.SCENARIOS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            for (String line : results) {
                if (line.startsWith("PASS " + name + " ")) {
                    return;
                }
                if (line.startsWith("FAIL " + name + ":")) {
                    fail(line + "\n--- guest console ---\n" + console);
                }
            }
            fail("the guest reported nothing for " + name + "\n--- guest console ---\n" + console);
        }));
    }

    private static Path findRunScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("uml/run.sh");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Everything this JVM runs with, as a plain class path: the guest needs no module layer. */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property, "");
            for (String e : value.split(File.pathSeparator)) {
                if (!e.isBlank()) {
                    entries.add(Path.of(e).toAbsolutePath().toString());
                }
            }
        }
        entries.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        entries.add(Path.of("target", "classes").toAbsolutePath().toString());
        assertTrue(entries.size() > 2, "class path");
        return String.join(File.pathSeparator, entries);
    }
}
