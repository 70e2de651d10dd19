package corral.isolator.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import corral.isolator.spi.IsolatorContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An {@link IsolatorContext} for tests: the merged {@code reference.conf} defaults of every module
 * on the path, overridden by the settings given. Immutable and thread-safe.
 *
 * @param config the resolved configuration
 * @param workDir the work directory
 * @param runtimeDir the runtime directory
 * @param stateDir the isolator's state directory
 * @param isolation the selected isolator ids
 * @param isRoot whether the process runs as root
 */
public record TestContext(Config config, Path workDir, Path runtimeDir, Path stateDir, List<String> isolation,
        boolean isRoot) implements IsolatorContext {

    /**
     * @param workDir the work directory (also the root of the runtime directory for tests)
     * @param settings config paths and values overriding the defaults, such as
     *     {@code "corral.disk.enforce_container_disk_quota" -> true}
     * @param isolation the selected isolator ids
     * @return a context
     */
    public static TestContext of(Path workDir, Map<String, Object> settings, String... isolation) {
        Config config = ConfigFactory.parseMap(settings)
                .withFallback(ConfigFactory.defaultReference(TestContext.class.getClassLoader()))
                .resolve();
        Path runtime = workDir.resolve("runtime");
        return new TestContext(config, workDir, runtime, runtime.resolve("isolators"), List.of(isolation),
                "0".equals(System.getProperty("corral.test.uid", uid())));
    }

    /**
     * @param isRoot whether the isolator should believe it runs as root
     * @return this context with that answer to {@link #isRoot()}, for testing a provider's checks
     */
    public TestContext withRoot(boolean isRoot) {
        return new TestContext(config, workDir, runtimeDir, stateDir, isolation, isRoot);
    }

    private static String uid() {
        try {
            return String.valueOf(java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return "-1";
        }
    }
}
