package corral.agent.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native fence and the module walls over every module of the build, and proof that each fence
 * rule catches a violation.
 * Runs in agent-launcher because it sees every module.
 */
class NativeFenceTest {

    private static final List<String> REACTOR_MODULES = List.of("isolator-spi", "linux-bindings", "isolator-testkit",
            "isolator-cgroups", "isolator-namespaces", "isolator-disk", "isolator-capabilities", "isolator-docker",
            "agent-launcher");

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("corral");
    }

    @Test
    void productionCodeRespectsTheFence() {
        for (ArchRule rule : NativeFence.ALL) {
            rule.check(production);
        }
    }

    @Test
    void productionCodeRespectsTheModuleWalls() {
        for (ArchRule rule : ModuleWalls.ALL) {
            rule.check(production);
        }
    }

    @Test
    void anIsolatorUsingTheAgentIsCaught() {
        assertViolation(ModuleWalls.ISOLATORS_DO_NOT_USE_THE_AGENT,
                new ClassFileImporter().importClasses(corral.isolator.wallfixture.ReachesIntoTheAgent.class),
                "ReachesIntoTheAgent.agent()", "corral.agent.Main");
    }

    @Test
    void theImportHoldsEveryClassOfEveryModule() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Set<String> imported = production.stream().map(JavaClass::getName).collect(Collectors.toSet());
        Set<String> seenModules = new TreeSet<>();
        List<String> missing = new ArrayList<>();
        String paths = System.getProperty("jdk.module.path", "") + java.io.File.pathSeparator
                + System.getProperty("java.class.path", "");
        for (String entry : paths.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry).toAbsolutePath().normalize();
            if (!p.startsWith(root) || p.toString().contains("test-classes")) {
                continue;
            }
            String module = root.relativize(p).getName(0).toString();
            seenModules.add(module);
            for (String name : classNames(p)) {
                if (!imported.contains(name)) {
                    missing.add(name + " (" + module + ")");
                }
            }
        }
        assertEquals(new TreeSet<>(REACTOR_MODULES), seenModules, "reactor modules on the test path");
        assertEquals(List.of(), missing, "classes the fence did not import");
        assertTrue(imported.contains("corral.isolator.spi.IsolatorProvider"));
        assertTrue(imported.contains("corral.bindings.NativeException"));
        assertTrue(imported.contains("corral.agent.Main"));
    }

    private static List<String> classNames(Path location) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.map(f -> location.relativize(f).toString()).filter(NativeFenceTest::isClass)
                        .forEach(f -> names.add(className(f)));
            }
        } else if (location.toString().endsWith(".jar")) {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(e -> e.getName()).filter(NativeFenceTest::isClass)
                        .forEach(f -> names.add(className(f)));
            }
        }
        return names;
    }

    private static boolean isClass(String file) {
        return file.endsWith(".class") && !file.endsWith("module-info.class") && !file.startsWith("META-INF");
    }

    private static String className(String file) {
        return file.substring(0, file.length() - ".class".length()).replace('/', '.').replace('\\', '.');
    }

    // each rule against a class that breaks it

    @Test
    void jnrOutsideBindingsIsCaught(@TempDir Path dir) {
        assertViolation(NativeFence.ONLY_BINDINGS_USE_JNR, fixture(dir, "CallsJnr"),
                "corral.fencefixtures.CallsJnr.address()", "jnr.ffi.Pointer");
        assertViolation(NativeFence.ONLY_BINDINGS_USE_JNR, fixture(dir, "HoldsKenai"),
                "corral.fencefixtures.HoldsKenai.invoker", "com.kenai.jffi.Invoker");
    }

    @Test
    void jniIsCaught(@TempDir Path dir) {
        assertViolation(NativeFence.NO_JNI, fixture(dir, "DeclaresNative"), "DeclaresNative.getpid()", "NATIVE");
    }

    @Test
    void theForeignApiIsCaught(@TempDir Path dir) {
        assertViolation(NativeFence.NO_FOREIGN_API, fixture(dir, "UsesForeign"), "UsesForeign.size(",
                "java.lang.foreign.MemorySegment");
    }

    @Test
    void jnrInPublicSignaturesIsCaught(@TempDir Path dir) {
        JavaClasses leaking = fixture(dir, "LeaksJnrInSignature");
        assertViolation(NativeFence.NO_JNR_IN_PUBLIC_SIGNATURES, leaking, "LeaksJnrInSignature.pointer()",
                "jnr.ffi.Pointer");
        assertViolation(NativeFence.NO_JNR_IN_PUBLIC_SIGNATURES, leaking, "LeaksJnrInSignature.take(java.util.List)",
                "jnr.ffi.Pointer");
    }

    private static void assertViolation(ArchRule rule, JavaClasses classes, String... expected) {
        EvaluationResult result = rule.evaluate(classes);
        assertTrue(result.hasViolation(), rule.getDescription() + " did not catch " + classes);
        String report = String.join("\n", result.getFailureReport().getDetails());
        for (String e : expected) {
            assertTrue(report.contains(e), "expected '" + e + "' in:\n" + report);
        }
    }

    /**
     * Imports a fixture after renaming its stand-in packages to the real ones in its class file (the
     * test code cannot see jnr-ffi, and JDK 17 has no java.lang.foreign). The names have equal
     * lengths, so the constant pool stays valid.
     */
    private static JavaClasses fixture(Path dir, String simpleName) {
        String resource = "/corral/fencefixtures/" + simpleName + ".class";
        try (InputStream in = NativeFenceTest.class.getResourceAsStream(resource)) {
            String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)
                    .replace("jnx/ffi", "jnr/ffi")
                    .replace("con/kenai", "com/kenai")
                    .replace("fake/lang/foreign", "java/lang/foreign");
            Path file = dir.resolve(simpleName + ".class");
            Files.write(file, bytes.getBytes(StandardCharsets.ISO_8859_1));
            JavaClasses classes = new ClassFileImporter().importPath(file);
            assertEquals(1, classes.size());
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
