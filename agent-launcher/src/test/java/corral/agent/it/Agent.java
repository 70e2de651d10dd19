package corral.agent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged agent as a separate process, as {@code bin/agent} does: the jars of
 * {@code target/modules} and {@code target/agent-launcher.jar} on the module path. Integration
 * tests only (they need the {@code package} phase).
 */
final class Agent {

    /** What a finished agent process did. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static final Path BASEDIR = Path.of(System.getProperty("user.dir"));
    static final Path MODULES = BASEDIR.resolve("target/modules");
    static final Path JAR = BASEDIR.resolve("target/agent-launcher.jar");

    private Agent() {
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    /** @param env environment variables added to a clean environment (only PATH is kept) */
    static Result run(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--module-path", MODULES + java.io.File.pathSeparator + JAR, "--add-modules",
                "ALL-MODULE-PATH", "-m", "corral.agent/corral.agent.Main"));
        command.addAll(List.of(args));
        return exec(command, env);
    }

    static Result exec(List<String> command, Map<String, String> env) {
        try {
            Path out = Files.createTempFile("agent-out", ".txt");
            Path err = Files.createTempFile("agent-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                String path = pb.environment().get("PATH");
                pb.environment().clear();
                pb.environment().put("PATH", path);
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError("timed out: " + command);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A user error is printed as sentences, never as a stack trace. */
    static void assertNoStackTrace(Result r) {
        if (r.err().contains("\tat ") || r.err().contains("Exception in thread") || r.err().contains("Caused by")) {
            throw new AssertionError("stack trace on stderr:\n" + r);
        }
    }
}
