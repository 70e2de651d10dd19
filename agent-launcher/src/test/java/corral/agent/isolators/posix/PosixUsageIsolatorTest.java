package corral.agent.isolators.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.containerizer.ContainerizerSettings;
import corral.agent.containerizer.DefaultContainerizer;
import corral.agent.containerizer.FinalStatus;
import corral.agent.containerizer.LaunchRequest;
import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.Origin;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.launcher.posix.PosixLauncher;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixUsageIsolatorTest {

    @TempDir
    Path dir;

    private static ContainerID id(String prefix) {
        return ContainerID.newBuilder().setValue(prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).build();
    }

    private static PlannedIsolator planned(IsolatorProvider provider) {
        return new PlannedIsolator(provider.id(), "0", "corral.agent", Origin.BUILTIN, provider.description(),
                provider.create(null).isolator().orElseThrow());
    }

    @Test
    void busyLoopReportsCpuTimeAndResidentMemory() throws Exception {
        DefaultContainerizer containerizer = new DefaultContainerizer(
                new ContainerizerSettings(dir.resolve("work"), dir.resolve("run"), "/mnt/mesos/sandbox",
                        Duration.ZERO, Optional.empty(), "127.0.0.1"),
                new IsolatorPlan(List.of(planned(new PosixCpuProvider()), planned(new PosixMemProvider()))),
                new PosixLauncher());
        ContainerID id = id("busy");
        try {
            // a parent shell with a busy child: the child's time must be counted through the tree
            containerizer.launch(new LaunchRequest(id, CommandInfo.newBuilder()
                    .setValue("(while :; do :; done) & wait").build(), Optional.empty(), List.of(), Optional.empty()));
            ResourceStatistics usage = containerizer.usage(id).orElseThrow();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (usage.getCpusUserTimeSecs() + usage.getCpusSystemTimeSecs() < 0.3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                usage = containerizer.usage(id).orElseThrow();
            }
            assertTrue(usage.getCpusUserTimeSecs() + usage.getCpusSystemTimeSecs() >= 0.3, usage.toString());
            assertTrue(usage.getMemRssBytes() > 0, usage.toString());
            assertEquals(2, usage.getProcesses(), usage.toString());
            assertTrue(usage.getThreads() >= 2, usage.toString());
        } finally {
            containerizer.destroy(id);
        }
        FinalStatus status = containerizer.wait(id).orElseThrow().join();
        ResourceStatistics last = status.statistics().orElseThrow();
        assertTrue(last.getCpusUserTimeSecs() >= 0.3, "the last figures survive the tree: " + last);
        containerizer.close();
    }

    @Test
    void recoveredContainersAreMeasured() throws Exception {
        var isolator = new PosixMemProvider().create(null).isolator().orElseThrow();
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            ContainerID id = ContainerID.newBuilder().setValue("recovered").build();
            isolator.recover(List.of(corral.isolator.spi.mesos.slave.ContainerState.newBuilder().setContainerId(id)
                    .setPid(sleeper.pid()).setDirectory("/tmp").build()), java.util.Set.of());
            ResourceStatistics.Builder usage = ResourceStatistics.newBuilder();
            isolator.usage(id, usage);
            assertEquals(1, usage.getProcesses());
            assertTrue(usage.getMemRssBytes() > 0);
            isolator.watch(id); // known now: no "Unknown container"
            isolator.cleanup(id);
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void messagesAreMesoss() {
        var isolator = new PosixCpuProvider().create(null).isolator().orElseThrow();
        ContainerID id = ContainerID.newBuilder().setValue("c1").build();
        ContainerConfig config = ContainerConfig.newBuilder().setCommandInfo(CommandInfo.getDefaultInstance())
                .setDirectory("/tmp").build();
        assertEquals("Unknown container: c1",
                assertThrows(IsolatorException.class, () -> isolator.isolate(id, 1)).getMessage());
        assertEquals("Unknown container: c1",
                assertThrows(IsolatorException.class, () -> isolator.watch(id)).getMessage());
        assertEquals("Unknown container: c1",
                assertThrows(IsolatorException.class, () -> isolator.update(id, List.of(), java.util.Map.of())).getMessage());
        ResourceStatistics.Builder empty = ResourceStatistics.newBuilder();
        isolator.usage(id, empty);
        assertFalse(empty.hasProcesses());
        isolator.cleanup(id); // unknown: a no-op
        assertTrue(isolator.prepare(id, config).isEmpty());
        assertEquals("Container c1 has already been prepared",
                assertThrows(IsolatorException.class, () -> isolator.prepare(id, config)).getMessage());
        isolator.cleanup(id);
        assertTrue(isolator.prepare(id, config).isEmpty(), "forgotten after cleanup");
        assertEquals("posix/cpu", new PosixCpuProvider().id());
        assertEquals("posix/mem", new PosixMemProvider().id());
        assertFalse(new PosixMemProvider().description().isEmpty());
    }
}
