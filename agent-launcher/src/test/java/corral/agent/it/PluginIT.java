package corral.agent.it;

import static corral.agent.it.Agent.assertNoStackTrace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third-party isolators: jars built outside the reactor against the SPI jar alone, dropped into
 * {@code --modules_dir}, seen by the packaged agent running as a separate process.
 */
class PluginIT {

    @TempDir
    static Path work;

    static Path audit;
    static Path copycat;
    static Path future;
    static Path newerSpi;
    static Path needsMissingModule;
    static Path lib;

    @BeforeAll
    static void buildPlugins() throws IOException {
        Path spiJar;
        try (Stream<Path> jars = Files.list(Agent.MODULES)) {
            spiJar = jars.filter(j -> j.getFileName().toString().startsWith("isolator-spi-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no isolator-spi jar in " + Agent.MODULES));
        }
        // what the SPI itself needs to be resolved at compile time: protobuf and config
        String modulePath = Agent.MODULES.toString();
        assertTrue(Files.exists(spiJar));

        Map<String, Map<String, String>> sources = new LinkedHashMap<>();
        sources.put("acme.audit", Plugins.recordingPlugin("acme.audit", "acme/audit", "Spi.MAJOR_VERSION", """
                corral.acme_audit {
                  # Where the audit isolator appends each lifecycle call.
                  audit_log = "/nonexistent/audit.log"
                }
                """));
        sources.put("acme.copycat", Plugins.recordingPlugin("acme.copycat", "acme/audit", "Spi.MAJOR_VERSION", """
                corral.acme_copycat {
                  # A setting of the copycat plugin.
                  copycat_level = 1
                }
                """));
        // compiled against today's SPI but claiming a newer major version
        sources.put("acme.future", Plugins.recordingPlugin("acme.future", "acme/future", "2",
                "corral.acme_future {}\n"));
        sources.put("acme.lib", Map.of("module-info.java", "module acme.lib { exports acme.lib; }\n",
                "acme/lib/Lib.java", "package acme.lib; public final class Lib {}\n"));
        sources.put("acme.needslib", Map.of(
                "module-info.java", "module acme.needslib { requires corral.isolator.spi; requires acme.lib; }\n",
                "acme/needslib/Nothing.java", "package acme.needslib; final class Nothing { acme.lib.Lib lib; }\n"));
        Path build = work.resolve("build");
        Path classes = Plugins.compile(build, modulePath, "1.2.0", sources);
        Path src = build.resolve("src");
        audit = Plugins.jar(classes, src, "acme.audit", work.resolve("jars/acme-audit-1.2.0.jar"));
        copycat = Plugins.jar(classes, src, "acme.copycat", work.resolve("jars/acme-copycat.jar"));
        future = Plugins.jar(classes, src, "acme.future", work.resolve("jars/acme-future.jar"));
        needsMissingModule = Plugins.jar(classes, src, "acme.needslib", work.resolve("jars/acme-needslib.jar"));
        lib = Plugins.jar(classes, src, "acme.lib", work.resolve("jars/acme-lib.jar"));

        // a plugin built against a future SPI 2.0.0: its descriptor records 'requires corral.isolator.spi@2.0.0'
        Path spi2 = work.resolve("spi2");
        Path spi2Classes = Plugins.compile(spi2, "", "2.0.0", Map.of("corral.isolator.spi", Map.of(
                "module-info.java", "module corral.isolator.spi { exports corral.isolator.spi; }\n",
                "corral/isolator/spi/IsolatorProvider.java", "package corral.isolator.spi;\n"
                        + "public interface IsolatorProvider { String id(); int spiVersion();"
                        + " Creation create(IsolatorContext c); }\n",
                "corral/isolator/spi/IsolatorContext.java", "package corral.isolator.spi;\n"
                        + "public interface IsolatorContext { }\n",
                "corral/isolator/spi/Creation.java", "package corral.isolator.spi;\n"
                        + "public final class Creation { public static Creation unavailable(String r) { return null; } }\n",
                "corral/isolator/spi/Spi.java", "package corral.isolator.spi;\n"
                        + "public final class Spi { public static final int MAJOR_VERSION = 2; }\n")));
        Path newer = work.resolve("newer");
        Path newerClasses = Plugins.compile(newer, spi2Classes.resolve("corral.isolator.spi").toString(), "3.0.0",
                Map.of("acme.newspi", Map.of(
                        "module-info.java", "module acme.newspi { requires corral.isolator.spi;"
                                + " provides corral.isolator.spi.IsolatorProvider with acme.newspi.P; }\n",
                        "acme/newspi/P.java", "package acme.newspi; import corral.isolator.spi.*;\n"
                                + "public final class P implements IsolatorProvider {\n"
                                + "  public String id() { return \"acme/newspi\"; }\n"
                                + "  public int spiVersion() { return Spi.MAJOR_VERSION; }\n"
                                + "  public Creation create(IsolatorContext c) { return Creation.unavailable(\"x\"); }\n"
                                + "}\n")));
        newerSpi = Plugins.jar(newerClasses, newer.resolve("src"), "acme.newspi", work.resolve("jars/acme-newspi.jar"));
    }

    private static Path modulesDir(String name, Path... jars) throws IOException {
        Path dir = Files.createDirectories(work.resolve("modules-" + name));
        for (Path jar : jars) {
            Files.copy(jar, dir.resolve(jar.getFileName()));
        }
        return dir;
    }

    @Test
    void aPluginIsListedAsPluginAndCreatedWithItsOwnFlag() throws IOException {
        Path dir = modulesDir("one", audit);
        Path log = work.resolve("audit-one.log");
        Agent.Result r = Agent.run("isolators", "--format=json", "--modules_dir=" + dir, "--audit_log=" + log,
                "--runtime_dir=" + work.resolve("runtime"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("{\"name\":\"acme/audit\",\"version\":\"1.2.0\",\"module\":\"acme.audit\","
                + "\"origin\":\"plugin\",\"available\":true,\"reason\":null}"), r.toString());
        assertEquals(List.of("create acme/audit state_dir=" + work.resolve("runtime/isolators/acme_audit")),
                Files.readAllLines(log));
        assertNoStackTrace(r);
    }

    @Test
    void aPluginsFlagIsDocumentedFromItsReferenceConf() throws IOException {
        Agent.Result r = Agent.run("help", "audit_log", "--modules_dir=" + modulesDir("help", audit));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("  --audit_log=VALUE  (default: /nonexistent/audit.log)\n"
                + "        Where the audit isolator appends each lifecycle call.\n", r.out());
    }

    @Test
    void aSelectedPluginRunsAfterTheBuiltinsInThePlan() throws IOException {
        Path log = work.resolve("audit-validate.log");
        Agent.Result r = Agent.run("validate", "--isolation=acme/audit", "--modules_dir=" + modulesDir("validate",
                audit), "--audit_log=" + log, "--runtime_dir=" + work.resolve("runtime"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("acme/audit"), r.toString());
        assertTrue(r.out().contains("plugin"), r.toString());
        assertTrue(r.out().contains("records every lifecycle call to --audit_log"), r.toString());
        assertTrue(r.out().contains("Configuration is valid."), r.toString());
    }

    @Test
    void aSelectedPluginsLifecycleRunsAroundTheTaskOfBinAgentRun() throws IOException {
        Path log = work.resolve("audit-run.log");
        String id = "plugin-it-" + java.util.UUID.randomUUID();
        Agent.Result r = Agent.run("run", "--isolation=acme/audit", "--modules_dir=" + modulesDir("run", audit),
                "--audit_log=" + log, "--work_dir=" + work.resolve("work"), "--runtime_dir=" + work.resolve("rt"),
                "--container_id=" + id, "--", "/bin/echo", "hello from the task");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("hello from the task"), r.toString());
        assertEquals(List.of("create acme/audit state_dir=" + work.resolve("rt/isolators/acme_audit"),
                "prepare " + id, "isolate " + id, "cleanup " + id), Files.readAllLines(log));
    }

    @Test
    void aSubdirectoryIsOnePluginWithTheLibrariesItNeeds() throws IOException {
        Path dir = modulesDir("withlib");
        Path plugin = Files.createDirectories(dir.resolve("needslib"));
        Files.copy(needsMissingModule, plugin.resolve(needsMissingModule.getFileName()));
        Files.copy(lib, plugin.resolve(lib.getFileName()));
        Agent.Result r = Agent.run("version", "--modules_dir=" + dir);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err(), r.toString());
        assertTrue(r.out().contains("plugin modules:\n  acme.lib 1.2.0\n  acme.needslib 1.2.0\n"), r.toString());
    }

    @Test
    void twoPluginsClaimingOneIdAreRefusedNamingBothModules() throws IOException {
        Path dir = modulesDir("dup", audit, copycat);
        Agent.Result listing = Agent.run("isolators", "--format=json", "--modules_dir=" + dir);
        assertTrue(listing.err().contains("Isolator 'acme/audit' is provided by more than one module: 'acme.audit'"),
                listing.toString());
        assertTrue(listing.err().contains("'acme.copycat'"), listing.toString());
        assertFalse(listing.out().contains("\"available\":true,\"reason\":null}") && listing.out()
                .contains("acme/audit\",\"version\":\"1.2.0\",\"module\":\"acme.audit\",\"origin\":\"plugin\","
                        + "\"available\":true"), "neither claim wins: " + listing);

        Agent.Result validate = Agent.run("validate", "--isolation=acme/audit", "--modules_dir=" + dir);
        assertEquals(1, validate.exit(), validate.toString());
        assertTrue(validate.err().contains("Isolator 'acme/audit' is provided by more than one module"),
                validate.toString());
        assertNoStackTrace(validate);
    }

    @Test
    void pluginsForANewerSpiAreRefusedWithBothVersionsAndOthersStillLoad() throws IOException {
        Path dir = modulesDir("versions", audit, future, newerSpi, needsMissingModule);
        Agent.Result r = Agent.run("isolators", "--format=json", "--modules_dir=" + dir,
                "--audit_log=" + work.resolve("audit-versions.log"));
        assertEquals(0, r.exit(), r.toString());
        // spiVersion() says 2
        assertTrue(r.err().contains("Refusing isolator provider acme.future.RecordingProvider of module 'acme.future':"
                + " provider acme.future.RecordingProvider in module 'acme.future' needs SPI major version 2 but this "
                + "agent implements SPI major version 1"), r.toString());
        // the descriptor says it was compiled against corral.isolator.spi 2.0.0
        assertTrue(r.err().contains("module 'acme.newspi' was compiled against corral.isolator.spi 2.0.0 (SPI major 2)"
                + " but this agent has corral.isolator.spi 1."), r.toString());
        // a plugin that cannot be resolved is skipped with the reason
        assertTrue(r.err().contains("Skipping plugin '" + dir.resolve("acme-needslib.jar") + "': Module acme.lib not "
                + "found, required by acme.needslib"), r.toString());
        assertFalse(r.out().contains("acme/future") || r.out().contains("acme/newspi"), r.toString());
        assertTrue(r.out().contains("\"name\":\"acme/audit\""), "the good plugin still loads: " + r);
        assertNoStackTrace(r);
    }
}
