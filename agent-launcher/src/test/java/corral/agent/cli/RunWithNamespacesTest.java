package corral.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.Origin;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.launcher.linux.LinuxLauncher;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.testkit.TestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/agent run --isolation=namespaces/pid,filesystem/shared --volume=tmp:/tmp -- sh -c
 * 'echo $$; ps -e; stat -c %a /tmp'} through the real containerizer, launcher selection included.
 */
class RunWithNamespacesTest {

    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        if (!LinuxLauncher.available()) {
            System.out.println("SKIPPED RunWithNamespacesTest: needs root");
        }
        Assumptions.assumeTrue(LinuxLauncher.available(), "needs root");
        // not under /tmp: the volume on /tmp must not hide the sandbox
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "corral-run-");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private IsolatorPlan plan(String... ids) {
        getClass().getModule().addUses(IsolatorProvider.class);
        TestContext context = TestContext.of(dir, Map.of(), ids);
        List<PlannedIsolator> planned = Stream.of(ids).map(id -> {
            IsolatorProvider provider = ServiceLoader.load(IsolatorProvider.class).stream()
                    .map(ServiceLoader.Provider::get).filter(p -> p.id().equals(id)).findFirst().orElseThrow();
            return new PlannedIsolator(id, "0", "corral.isolator.namespaces", Origin.BUILTIN, provider.description(),
                    provider.create(context).isolator().orElseThrow());
        }).toList();
        return new IsolatorPlan(planned);
    }

    @Test
    void pidNamespaceAndSharedTmpThroughTheAgent() throws Exception {
        String id = "run-" + UUID.randomUUID().toString().substring(0, 8);
        TestInvocation invocation = new TestInvocation(dir, plan("filesystem/shared", "namespaces/pid"),
                Map.of("container_id", List.of(id), "volume", List.of("tmp:/tmp")),
                List.of("sh", "-c", "echo $$; ps -e -o comm=; stat -c %a /tmp"));
        assertEquals(0, new RunCommand().run(invocation), invocation.errText());
        // PID 1 is the supervisor, as mesos-containerizer is in Mesos; the task is PID 2
        assertEquals(List.of("2", "sh", "sh", "ps", "1777"), invocation.outText().lines().toList());
        assertEquals(01777, ((Integer) Files.getAttribute(dir.resolve("work/sandboxes").resolve(id).resolve("tmp"),
                "unix:mode")) & 07777);
    }
}
