package corral.agent.containerizer;

import static corral.agent.containerizer.Fixtures.id;
import static corral.agent.containerizer.Fixtures.planned;
import static corral.agent.containerizer.Fixtures.shell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.discovery.IsolatorPlan;
import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.LaunchedContainer;
import corral.agent.launcher.posix.PosixLauncher;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.TaskState;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalAndAdoptionTest {

    @TempDir
    Path dir;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private DefaultContainerizer containerizer;

    @AfterEach
    void destroyLeftovers() {
        if (containerizer != null) {
            Fixtures.destroyAll(containerizer);
        }
    }

    @Test
    void journalSeesEveryStepAndOwnsTheRuntimeDirectory() throws Exception {
        Path statusFile = dir.resolve("exit-status");
        ContainerJournal journal = new ContainerJournal() {
            @Override
            public void config(ContainerID id, ContainerConfig config) {
                log.add("config");
            }

            @Override
            public void launchInfo(ContainerID id, ContainerLaunchInfo info) {
                log.add("launch_info");
            }

            @Override
            public void pid(ContainerID id, long pid) {
                log.add("pid");
            }

            @Override
            public void terminated(FinalStatus status) {
                log.add("terminated:" + status.state());
            }

            @Override
            public void removed(ContainerID id) {
                log.add("removed");
            }

            @Override
            public Optional<Path> exitStatusFile(ContainerID id) {
                return Optional.of(statusFile);
            }
        };
        RecordingIsolator a = new RecordingIsolator("a", log);
        containerizer = new DefaultContainerizer(Fixtures.settings(dir),
                new IsolatorPlan(List.of(planned("test/a", a))), new PosixLauncher(), journal);
        ContainerID id = id("journal");
        containerizer.launch(shell(id, "true"));
        assertEquals(TaskState.TASK_FINISHED, containerizer.wait(id).orElseThrow().get(30, TimeUnit.SECONDS).state());
        assertEquals(List.of("config", "prepare:a", "launch_info", "pid", "watch:a", "isolate:a", "update:a",
                "cleanup:a", "terminated:TASK_FINISHED"), log);
        assertTrue(Files.isDirectory(dir.resolve("run/containers").resolve(id.getValue())), "left to the journal");
        containerizer.remove(id);
        assertEquals("removed", log.get(log.size() - 1));
    }

    @Test
    void adoptedContainerIsWatchedKilledAndCleanedUp() throws Exception {
        RecordingIsolator a = new RecordingIsolator("a", log);
        containerizer = new DefaultContainerizer(Fixtures.settings(dir),
                new IsolatorPlan(List.of(planned("test/a", a))), new PosixLauncher());
        ContainerID id = id("adopted");
        Path sandbox = Files.createDirectories(dir.resolve("sandbox"));
        LaunchedContainer running = new PosixLauncher().launch(new LaunchSpec(id, sandbox,
                ContainerLaunchInfo.getDefaultInstance(), List.of("sleep", "60"), Map.of("PATH", "/usr/bin:/bin"),
                sandbox, null, sandbox.resolve("stdout"), sandbox.resolve("stderr"), null));
        running.start();
        LaunchRequest request = shell(id, "sleep 60");
        containerizer.adopt(request, ContainerConfig.newBuilder().setCommandInfo(request.command())
                .setDirectory(sandbox.toString()).build(), running);
        assertEquals(running.pid(), containerizer.status(id).orElseThrow().getExecutorPid());
        assertTrue(containerizer.destroy(id));
        FinalStatus status = containerizer.wait(id).orElseThrow().get(30, TimeUnit.SECONDS);
        assertEquals(TaskState.TASK_KILLED, status.state());
        assertEquals(sandbox.toString(), status.directory());
        assertEquals(List.of("watch:a", "cleanup:a"), log);
    }
}
