package corral.agent.containerizer;

import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.Origin;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.launcher.posix.PosixLauncher;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Builders for containerizer tests. */
final class Fixtures {

    private Fixtures() {
    }

    static ContainerizerSettings settings(Path dir) {
        return new ContainerizerSettings(dir.resolve("work"), dir.resolve("run"), "/mnt/mesos/sandbox",
                Duration.ofMillis(500), Optional.empty(), "127.0.0.1");
    }

    static DefaultContainerizer containerizer(Path dir, PlannedIsolator... isolators) {
        return new DefaultContainerizer(settings(dir), new IsolatorPlan(List.of(isolators)), new PosixLauncher());
    }

    static PlannedIsolator planned(String id, Isolator isolator) {
        return new PlannedIsolator(id, "0-test", "corral.agent", Origin.BUILTIN, "test isolator " + id, isolator);
    }

    static ContainerID id(String prefix) {
        return ContainerID.newBuilder().setValue(prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).build();
    }

    static LaunchRequest shell(ContainerID id, String command) {
        return new LaunchRequest(id, CommandInfo.newBuilder().setShell(true).setValue(command).build(),
                Optional.empty(), List.of(), Optional.empty());
    }

    static LaunchRequest exec(ContainerID id, String... argv) {
        return new LaunchRequest(id, CommandInfo.newBuilder().setShell(false).setValue(argv[0])
                .addAllArguments(Arrays.asList(argv)).build(), Optional.empty(), List.of(), Optional.empty());
    }

    /** Destroys whatever a test left running. */
    static void destroyAll(DefaultContainerizer containerizer) {
        for (ContainerID id : containerizer.containers()) {
            containerizer.destroy(id);
        }
        containerizer.close();
    }
}
