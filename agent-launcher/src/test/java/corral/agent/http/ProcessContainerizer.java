package corral.agent.http;

import corral.agent.containerizer.Containerizer;
import corral.agent.containerizer.ContainerizerException;
import corral.agent.containerizer.FinalStatus;
import corral.agent.containerizer.LaunchRequest;
import corral.isolator.spi.mesos.CgroupInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.TaskState;
import corral.isolator.spi.mesos.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP layer's stand-in for the real containerizer until it is merged: it runs each command as a
 * real host process (no isolation) in a sandbox directory, so waits, kills and exit statuses are real.
 */
final class ProcessContainerizer implements Containerizer {

    private record Running(Process process, Path sandbox, CompletableFuture<FinalStatus> end, int[] killedBy) {
    }

    final AtomicInteger launches = new AtomicInteger();
    private final Path workDir;
    private final Map<String, Running> containers = new ConcurrentHashMap<>();

    ProcessContainerizer(Path workDir) {
        this.workDir = workDir;
    }

    @Override
    public void launch(LaunchRequest request) {
        String id = request.containerId().getValue();
        if (containers.containsKey(id)) {
            throw new ContainerizerException(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, "container " + id + " exists");
        }
        launches.incrementAndGet();
        try {
            Thread.sleep(50); // a launch takes time: widens the window for concurrent launches of one id
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path sandbox = workDir.resolve("sandboxes").resolve(id);
        List<String> argv = new ArrayList<>();
        if (request.command().getShell()) {
            argv.addAll(List.of("/bin/sh", "-c", request.command().getValue()));
        } else {
            argv.addAll(request.command().getArgumentsList());
        }
        try {
            Files.createDirectories(sandbox);
            if (argv.isEmpty() || argv.get(0).equals("/nonexistent")) {
                throw new IOException("cannot exec " + argv);
            }
            Process p = new ProcessBuilder(argv).directory(sandbox.toFile())
                    .redirectOutput(sandbox.resolve("stdout").toFile())
                    .redirectError(sandbox.resolve("stderr").toFile()).start();
            int[] killedBy = {0};
            CompletableFuture<FinalStatus> end = p.onExit().thenApply(done -> {
                int code = done.exitValue();
                int raw = killedBy[0] != 0 ? killedBy[0] : code > 128 ? code - 128 : code << 8;
                TaskState state = killedBy[0] != 0 ? TaskState.TASK_KILLED
                        : code == 0 ? TaskState.TASK_FINISHED : TaskState.TASK_FAILED;
                return new FinalStatus(request.containerId(), sandbox.toString(), state, Optional.of(raw),
                        Optional.empty(), Optional.empty(), Optional.empty(), status(id), Optional.empty());
            });
            containers.put(id, new Running(p, sandbox, end, killedBy));
        } catch (IOException e) {
            throw new ContainerizerException(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, e.getMessage());
        }
    }

    private static ContainerStatus status(String id) {
        return ContainerStatus.newBuilder().setContainerId(ContainerID.newBuilder().setValue(id))
                .setCgroupInfo(CgroupInfo.newBuilder().setNetCls(CgroupInfo.NetCls.newBuilder().setClassid(0x120011)))
                .build();
    }

    @Override
    public Optional<CompletableFuture<FinalStatus>> wait(ContainerID containerId) {
        return Optional.ofNullable(containers.get(containerId.getValue())).map(Running::end);
    }

    @Override
    public boolean kill(ContainerID containerId, int signal) {
        Running r = containers.get(containerId.getValue());
        if (r == null) {
            return false;
        }
        r.killedBy()[0] = signal;
        if (signal == 9) {
            r.process().destroyForcibly();
        } else {
            r.process().destroy();
        }
        return true;
    }

    @Override
    public boolean destroy(ContainerID containerId) {
        return kill(containerId, 9);
    }

    @Override
    public boolean remove(ContainerID containerId) {
        Running r = containers.get(containerId.getValue());
        if (r == null) {
            return false;
        }
        if (r.process().isAlive()) {
            throw new ContainerizerException(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, "still running");
        }
        containers.remove(containerId.getValue());
        return true;
    }

    @Override
    public List<ContainerID> containers() {
        return containers.keySet().stream().map(v -> ContainerID.newBuilder().setValue(v).build()).toList();
    }

    @Override
    public Optional<ResourceStatistics> usage(ContainerID containerId) {
        Running r = containers.get(containerId.getValue());
        if (r == null || !r.process().isAlive()) {
            return Optional.empty();
        }
        var cpu = r.process().info().totalCpuDuration();
        return Optional.of(ResourceStatistics.newBuilder().setTimestamp(System.currentTimeMillis() / 1000.0)
                .setCpusUserTimeSecs(cpu.map(d -> d.toNanos() / 1e9).orElse(0.0))
                .setMemLimitBytes(128L << 20).build());
    }

    @Override
    public Optional<ContainerStatus> status(ContainerID containerId) {
        return containers.containsKey(containerId.getValue()) ? Optional.of(status(containerId.getValue()))
                : Optional.empty();
    }

    @Override
    public void close() {
    }

    void killAll() {
        containers.values().forEach(r -> r.process().destroyForcibly());
    }
}
