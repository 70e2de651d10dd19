package corral.agent.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds third-party isolator jars outside the reactor, as a plugin author would: module sources
 * compiled by {@code javac} against the SPI jar, packed with their own root {@code reference.conf}.
 */
final class Plugins {

    private Plugins() {
    }

    /**
     * Writes the modules' sources, compiles them in one {@code javac} run and returns the output.
     *
     * @param dir a scratch directory
     * @param modulePath what the sources compile against
     * @param version the module version recorded in each descriptor
     * @param sources module name to (relative path to content)
     * @return the classes directory; module {@code m}'s classes are in {@code classes/m}
     */
    static Path compile(Path dir, String modulePath, String version, Map<String, Map<String, String>> sources)
            throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        for (Map.Entry<String, Map<String, String>> module : sources.entrySet()) {
            for (Map.Entry<String, String> file : module.getValue().entrySet()) {
                Path target = src.resolve(module.getKey()).resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue());
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac")
                .toString(), "--release", "17", "-nowarn", "-d", classes.toString(), "--module-source-path",
                src.toString(), "--module-version", version, "--module", String.join(",", sources.keySet())));
        if (!modulePath.isEmpty()) {
            command.addAll(List.of("--module-path", modulePath));
        }
        Agent.Result r = Agent.exec(command, Map.of());
        if (r.exit() != 0) {
            throw new AssertionError("javac failed:\n" + r);
        }
        return classes;
    }

    /** Packs {@code classes/<module>} and the module's non-Java sources (resources) into a jar. */
    static Path jar(Path classes, Path src, String module, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, classes.resolve(module), p -> true);
            add(out, src.resolve(module), p -> !p.toString().endsWith(".java"));
        }
        return jar;
    }

    private static void add(JarOutputStream out, Path root, java.util.function.Predicate<Path> include)
            throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).filter(include).sorted().toList()) {
                out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                try (OutputStream o = new java.io.FilterOutputStream(out) {
                    @Override
                    public void close() {
                    }
                }) {
                    Files.copy(f, o);
                }
                out.closeEntry();
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The module-info and provider of a plugin with one isolator that records its lifecycle calls. */
    static Map<String, String> recordingPlugin(String module, String id, String spiVersionExpression,
            String referenceConf) {
        String pkg = module;
        String dir = pkg.replace('.', '/');
        return Map.of(
                "module-info.java", "module " + module + " {\n"
                        + "    requires corral.isolator.spi;\n"
                        + "    provides corral.isolator.spi.IsolatorProvider with " + pkg + ".RecordingProvider;\n"
                        + "}\n",
                dir + "/RecordingProvider.java", """
                        package %1$s;

                        import corral.isolator.spi.*;
                        import corral.isolator.spi.mesos.ContainerID;
                        import corral.isolator.spi.mesos.slave.ContainerConfig;
                        import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
                        import java.io.IOException;
                        import java.nio.file.*;
                        import java.util.Optional;

                        public final class RecordingProvider implements IsolatorProvider {
                            public String id() { return "%2$s"; }
                            public int spiVersion() { return %3$s; }
                            public String description() { return "records every lifecycle call to --audit_log"; }
                            public Creation create(IsolatorContext context) {
                                Path log = Path.of(context.config().getString("corral.acme_audit.audit_log"));
                                record(log, "create " + id() + " state_dir=" + context.stateDir());
                                return Creation.ready(new Isolator() {
                                    public boolean supportsStandalone() { return true; }
                                    public Optional<ContainerLaunchInfo> prepare(ContainerID id, ContainerConfig c) {
                                        record(log, "prepare " + id.getValue());
                                        return Optional.empty();
                                    }
                                    public void isolate(ContainerID id, long pid) { record(log, "isolate " + id.getValue()); }
                                    public void cleanup(ContainerID id) { record(log, "cleanup " + id.getValue()); }
                                });
                            }
                            static void record(Path log, String line) {
                                try {
                                    Files.writeString(log, line + "\\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                                } catch (IOException e) {
                                    throw new IsolatorException("cannot write " + log + ": " + e.getMessage(), e);
                                }
                            }
                        }
                        """.formatted(pkg, id, spiVersionExpression),
                "reference.conf", referenceConf);
    }
}
