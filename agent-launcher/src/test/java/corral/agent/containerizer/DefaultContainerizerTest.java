package corral.agent.containerizer;

import static corral.agent.containerizer.Fixtures.exec;
import static corral.agent.containerizer.Fixtures.id;
import static corral.agent.containerizer.Fixtures.planned;
import static corral.agent.containerizer.Fixtures.shell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Environment;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.TaskState;
import corral.isolator.spi.mesos.TaskStatus;
import corral.isolator.spi.mesos.Value;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerLimitation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultContainerizerTest {

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

    private FinalStatus run(DefaultContainerizer c, LaunchRequest request) throws Exception {
        c.launch(request);
        return c.wait(request.containerId()).orElseThrow().get(30, TimeUnit.SECONDS);
    }

    @Test
    void echoWritesTheSandboxAndFinishes() throws Exception {
        containerizer = Fixtures.containerizer(dir);
        ContainerID id = id("echo");
        FinalStatus status = run(containerizer, exec(id, "echo", "hello"));
        assertEquals(TaskState.TASK_FINISHED, status.state());
        assertEquals(Optional.of(0), status.exitStatus());
        assertEquals(0, status.exitCode());
        Path sandbox = dir.resolve("work/sandboxes").resolve(id.getValue());
        assertEquals(sandbox.toString(), status.directory());
        assertEquals("hello\n", Files.readString(sandbox.resolve("stdout")));
        assertEquals("", Files.readString(sandbox.resolve("stderr")));
        assertFalse(Files.exists(dir.resolve("run/containers").resolve(id.getValue())), "runtime dir removed");
        assertEquals(id, status.containerStatus().getContainerId());
        assertTrue(status.containerStatus().getExecutorPid() > 0);
    }

    @Test
    void exitCodeIsPropagated() throws Exception {
        containerizer = Fixtures.containerizer(dir);
        FinalStatus status = run(containerizer, shell(id("exit3"), "exit 3"));
        assertEquals(TaskState.TASK_FAILED, status.state());
        assertEquals(Optional.of(3 << 8), status.exitStatus());
        assertEquals(3, status.exitCode());
    }

    @Test
    void sigkillThroughTheContainerizerIsKilled() throws Exception {
        containerizer = Fixtures.containerizer(dir);
        ContainerID id = id("kill");
        containerizer.launch(shell(id, "exec sleep 60"));
        assertTrue(containerizer.kill(id, 9));
        FinalStatus status = containerizer.wait(id).orElseThrow().get(30, TimeUnit.SECONDS);
        assertEquals(TaskState.TASK_KILLED, status.state());
        assertEquals(Optional.of(9), status.exitStatus());
        assertEquals(137, status.exitCode());
    }

    @Test
    void sigkillFromOutsideIsAFailure() throws Exception {
        containerizer = Fixtures.containerizer(dir);
        ContainerID id = id("outside");
        containerizer.launch(shell(id, "exec sleep 60"));
        long pid = containerizer.status(id).orElseThrow().getExecutorPid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        FinalStatus status = containerizer.wait(id).orElseThrow().get(30, TimeUnit.SECONDS);
        assertEquals(TaskState.TASK_FAILED, status.state());
        assertEquals(137, status.exitCode());
    }

    @Test
    void destroyStopsTheWholeSessionGracefully() throws Exception {
        containerizer = Fixtures.containerizer(dir);
        ContainerID id = id("destroy");
        // a child that ignores nothing, and a parent that traps TERM and exits 7
        containerizer.launch(shell(id, "sleep 60 & echo $! > child; trap 'exit 7' TERM; while :; do sleep 0.05; done"));
        Path childFile = dir.resolve("work/sandboxes").resolve(id.getValue()).resolve("child");
        for (int i = 0; i < 200 && !Files.exists(childFile); i++) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
        long child = Long.parseLong(Files.readString(childFile).trim());
        assertTrue(ProcessHandle.of(child).isPresent(), "background child runs");
        assertTrue(containerizer.destroy(id));
        FinalStatus status = containerizer.wait(id).orElseThrow().get(1, TimeUnit.SECONDS);
        assertEquals(TaskState.TASK_KILLED, status.state());
        assertEquals(7, status.exitCode(), "SIGTERM first, so the trap ran");
        assertTrue(corral.agent.TestProcesses.gone(child), "the background child is gone too");
        assertFalse(containerizer.destroy(id("unknown")));
    }

    @Test
    void environmentIsExplicit() throws Exception {
        containerizer = Fixtures.containerizer(dir);
        ContainerID id = id("env");
        String agentVariable = System.getenv().keySet().stream().filter(k -> !k.equals("PATH")).findFirst().orElseThrow();
        CommandInfo command = CommandInfo.newBuilder().setShell(false).setValue("/usr/bin/env").addArguments("env")
                .setEnvironment(Environment.newBuilder().addVariables(
                        Environment.Variable.newBuilder().setName("GREETING").setValue("hi there")))
                .build();
        FinalStatus status = run(containerizer, new LaunchRequest(id, command, Optional.empty(), List.of(), Optional.empty()));
        assertEquals(TaskState.TASK_FINISHED, status.state());
        List<String> lines = Files.readAllLines(dir.resolve("work/sandboxes").resolve(id.getValue()).resolve("stdout"));
        assertTrue(lines.contains("GREETING=hi there"), lines.toString());
        assertTrue(lines.contains("PATH=" + DefaultContainerizer.DEFAULT_PATH), lines.toString());
        assertTrue(lines.contains("MESOS_SANDBOX=" + status.directory()), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith(agentVariable + "=")), agentVariable + " leaked: " + lines);
    }

    @Test
    void lifecycleOrderAndIsolateBeforeTheCommand() throws Exception {
        RecordingIsolator a = new RecordingIsolator("a", log);
        RecordingIsolator b = new RecordingIsolator("b", log);
        b.markSandboxOnIsolate = true;
        containerizer = Fixtures.containerizer(dir, planned("test/a", a), planned("test/b", b));
        // the command succeeds only if isolate ran before it
        FinalStatus status = run(containerizer, shell(id("order"), "test -f isolated-b"));
        assertEquals(TaskState.TASK_FINISHED, status.state(), "isolate ran before the command");
        assertEquals(List.of("prepare:a", "prepare:b", "watch:a", "watch:b", "isolate:a", "isolate:b",
                "update:a", "update:b", "cleanup:b", "cleanup:a"), log);
    }

    @Test
    void cleanupIsAttemptedForEveryIsolatorInReverse() throws Exception {
        RecordingIsolator a = new RecordingIsolator("a", log);
        RecordingIsolator b = new RecordingIsolator("b", log);
        RecordingIsolator c = new RecordingIsolator("c", log);
        b.failIn = "cleanup";
        c.failIn = "cleanup";
        containerizer = Fixtures.containerizer(dir, planned("test/a", a), planned("test/b", b), planned("test/c", c));
        FinalStatus status = run(containerizer, shell(id("cleanup"), "true"));
        assertEquals(List.of("cleanup:c", "cleanup:b", "cleanup:a"),
                log.stream().filter(l -> l.startsWith("cleanup")).toList());
        assertEquals(TaskState.TASK_FAILED, status.state());
        assertEquals(Optional.of("Failed to clean up an isolator when destroying container: "
                + "c refuses to cleanup; b refuses to cleanup"), status.message());
    }

    @Test
    void conflictingLaunchInfosFailTheLaunchAndLeaveNothing() throws Exception {
        RecordingIsolator a = new RecordingIsolator("a", log);
        RecordingIsolator b = new RecordingIsolator("b", log);
        a.launchInfo = ContainerLaunchInfo.newBuilder().setWorkingDirectory("/a").build();
        b.launchInfo = ContainerLaunchInfo.newBuilder().setWorkingDirectory("/b").build();
        containerizer = Fixtures.containerizer(dir, planned("test/a", a), planned("test/b", b));
        ContainerID id = id("merge");
        ContainerizerException e = assertThrows(ContainerizerException.class,
                () -> containerizer.launch(shell(id, "touch ran")));
        assertEquals("Failed to launch container: Multiple isolators specify working directory", e.getMessage());
        assertEquals(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, e.reason());
        FinalStatus status = containerizer.wait(id).orElseThrow().get(5, TimeUnit.SECONDS);
        assertEquals(TaskState.TASK_FAILED, status.state());
        assertEquals(Optional.of(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED), status.reason());
        assertEquals(Optional.of(e.getMessage()), status.message());
        assertEquals(Optional.empty(), status.exitStatus());
        assertEquals(1, status.exitCode());
        assertEquals(List.of("prepare:a", "prepare:b", "cleanup:b", "cleanup:a"), log);
        assertFalse(Files.exists(dir.resolve("run/containers").resolve(id.getValue())));
        Path sandbox = dir.resolve("work/sandboxes").resolve(id.getValue());
        assertFalse(Files.exists(sandbox.resolve("ran")));
        try (var files = Files.list(sandbox)) {
            assertEquals(0, files.count(), "no task ever ran in the sandbox");
        }
    }

    @Test
    void isolatorMayNotSetUser() {
        RecordingIsolator a = new RecordingIsolator("a", log);
        a.launchInfo = ContainerLaunchInfo.newBuilder().setUser("nobody").build();
        containerizer = Fixtures.containerizer(dir, planned("test/a", a));
        ContainerizerException e = assertThrows(ContainerizerException.class,
                () -> containerizer.launch(shell(id("user"), "true")));
        assertEquals("Failed to launch container: Isolator should not specify user", e.getMessage());
    }

    @Test
    void failedIsolateAbortsTheHeldProcessBeforeTheCommandRuns() throws Exception {
        RecordingIsolator a = new RecordingIsolator("a", log);
        RecordingIsolator b = new RecordingIsolator("b", log);
        a.markSandboxOnIsolate = true;
        b.failIn = "isolate";
        containerizer = Fixtures.containerizer(dir, planned("test/a", a), planned("test/b", b));
        ContainerID id = id("isolate");
        ContainerizerException e = assertThrows(ContainerizerException.class,
                () -> containerizer.launch(shell(id, "touch ran")));
        assertEquals("Failed to launch container: b refuses to isolate", e.getMessage());
        Path sandbox = dir.resolve("work/sandboxes").resolve(id.getValue());
        long pid = Long.parseLong(Files.readString(sandbox.resolve("isolated-a")));
        assertTrue(corral.agent.TestProcesses.gone(pid), "held process is gone");
        assertFalse(Files.exists(sandbox.resolve("ran")), "the command never ran");
        assertEquals(List.of("cleanup:b", "cleanup:a"), log.stream().filter(l -> l.startsWith("cleanup")).toList());
    }

    @Test
    void watchLimitationFailsTheContainerWithTheLimitation() throws Exception {
        RecordingIsolator a = new RecordingIsolator("a", log);
        containerizer = Fixtures.containerizer(dir, planned("test/a", a));
        ContainerID id = id("limit");
        containerizer.launch(shell(id, "exec sleep 60"));
        ContainerLimitation limitation = ContainerLimitation.newBuilder()
                .addResources(Resource.newBuilder().setName("mem").setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(64)))
                .setMessage("Memory limit exceeded: Requested: 64MB Maximum Used: 70MB")
                .setReason(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY)
                .build();
        a.limitation.complete(limitation);
        FinalStatus status = containerizer.wait(id).orElseThrow().get(30, TimeUnit.SECONDS);
        assertEquals(TaskState.TASK_FAILED, status.state());
        assertEquals(Optional.of(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY), status.reason());
        assertEquals(Optional.of(limitation.getMessage()), status.message());
        assertEquals(Optional.of(limitation), status.limitation());
        assertEquals(Optional.of(15), status.exitStatus(), "SIGTERM within the grace period");
        assertTrue(log.contains("cleanup:a"));
        String json = FinalStatusJson.write(status);
        assertTrue(json.contains("\"limitation\":{\"resources\":[{\"name\":\"mem\""), json);
        assertTrue(json.contains("\"reason\":\"REASON_CONTAINER_LIMITATION_MEMORY\""), json);
    }

    @Test
    void concurrentLaunchesOfOneIdRunExactlyOneContainer() throws Exception {
        RecordingIsolator a = new RecordingIsolator("a", log);
        containerizer = Fixtures.containerizer(dir, planned("test/a", a));
        ContainerID id = id("dup");
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger launched = new AtomicInteger();
        List<String> refusals = Collections.synchronizedList(new ArrayList<>());
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    containerizer.launch(shell(id, "echo started >> starts; exec sleep 60"));
                    launched.incrementAndGet();
                } catch (ContainerizerException e) {
                    refusals.add(e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            all.add(t);
        }
        go.countDown();
        for (Thread t : all) {
            t.join();
        }
        assertEquals(1, launched.get());
        assertEquals(threads - 1, refusals.size());
        assertTrue(refusals.stream().allMatch(m -> m.equals("Container " + id.getValue() + " already exists")), refusals.toString());
        assertEquals(1, log.stream().filter(l -> l.equals("prepare:a")).count());
        Path starts = dir.resolve("work/sandboxes").resolve(id.getValue()).resolve("starts");
        for (int i = 0; i < 500 && (!Files.exists(starts) || Files.size(starts) == 0); i++) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        assertEquals(List.of("started"), Files.readAllLines(starts));
    }

    @Test
    void badContainerIdsAreRefusedAndNothingIsCreated() {
        containerizer = Fixtures.containerizer(dir);
        for (String bad : List.of("..", "a/b", "", "x y")) {
            ContainerID id = ContainerID.newBuilder().setValue(bad).build();
            ContainerizerException e = assertThrows(ContainerizerException.class, () -> containerizer.launch(shell(id, "true")));
            assertTrue(e.getMessage().startsWith("Invalid container_id '" + bad + "'"), e.getMessage());
            assertTrue(containerizer.wait(id).isEmpty());
        }
        assertFalse(Files.exists(dir.resolve("work")), "no sandbox made");
    }

    @Test
    void usageCarriesTimestampAndLimitsAndStatusTheExecutorPid() throws Exception {
        containerizer = Fixtures.containerizer(dir);
        ContainerID id = id("usage");
        List<Resource> resources = corral.agent.containerizer.ResourceText.parse("cpus:0.5;mem:128");
        containerizer.launch(new LaunchRequest(id, CommandInfo.newBuilder().setValue("exec sleep 60").build(),
                Optional.empty(), resources, Optional.empty()));
        var usage = containerizer.usage(id).orElseThrow();
        assertTrue(usage.getTimestamp() > 1.6e9);
        assertEquals(0.5, usage.getCpusSoftLimit());
        assertEquals(0.5, usage.getCpusLimit());
        assertEquals(128L << 20, usage.getMemSoftLimitBytes());
        assertEquals(128L << 20, usage.getMemLimitBytes());
        var status = containerizer.status(id).orElseThrow();
        assertTrue(ProcessHandle.of(status.getExecutorPid()).isPresent());
        assertTrue(containerizer.usage(id("unknown")).isEmpty());
        assertTrue(containerizer.destroy(id));
        assertTrue(containerizer.usage(id).isEmpty());
        assertThrows(ContainerizerException.class, () -> containerizer.launch(shell(id, "true")), "id still known");
        assertTrue(containerizer.remove(id));
        assertFalse(Files.exists(dir.resolve("work/sandboxes").resolve(id.getValue())));
        assertTrue(containerizer.wait(id).isEmpty());
    }

    @Test
    void defaultContainerInfoAppliesWhenTheRequestHasNone() throws Exception {
        RecordingIsolator a = new RecordingIsolator("a", log);
        java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
        var isolator = new corral.isolator.spi.Isolator() {
            @Override
            public Optional<ContainerLaunchInfo> prepare(ContainerID containerId,
                    corral.isolator.spi.mesos.slave.ContainerConfig config) {
                seen.set(config.getContainerInfo().getVolumes(0).getContainerPath());
                return Optional.empty();
            }
        };
        var config = com.typesafe.config.ConfigFactory.parseMap(Map.of(
                "corral.agent.work_dir", dir.resolve("work").toString(),
                "corral.agent.runtime_dir", dir.resolve("run").toString(),
                "corral.agent.default_container_info",
                "{\"type\":\"MESOS\",\"volumes\":[{\"host_path\":\".private/tmp\",\"container_path\":\"/tmp\",\"mode\":\"RW\"}]}"))
                .withFallback(com.typesafe.config.ConfigFactory.defaultReference()).resolve();
        containerizer = new DefaultContainerizer(ContainerizerSettings.from(config),
                new corral.agent.discovery.IsolatorPlan(List.of(planned("test/a", a), planned("test/seen", isolator))),
                new corral.agent.launcher.posix.PosixLauncher());
        assertEquals(TaskState.TASK_FINISHED, run(containerizer, shell(id("default"), "true")).state());
        assertEquals("/tmp", seen.get());
    }
}
