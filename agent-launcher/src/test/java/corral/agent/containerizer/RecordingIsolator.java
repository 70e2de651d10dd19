package corral.agent.containerizer;

import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.Value;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerLimitation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** A test isolator that records every call in a shared log and can be told to misbehave. */
final class RecordingIsolator implements Isolator {

    final String name;
    final List<String> log;
    final Map<ContainerID, String> directories = new ConcurrentHashMap<>();
    final CompletableFuture<ContainerLimitation> limitation = new CompletableFuture<>();
    ContainerLaunchInfo launchInfo;
    String failIn;
    boolean markSandboxOnIsolate;

    RecordingIsolator(String name, List<String> log) {
        this.name = name;
        this.log = log;
    }

    private void call(String method) {
        log.add(method + ":" + name);
        if (method.equals(failIn)) {
            throw new IsolatorException(name + " refuses to " + method);
        }
    }

    @Override
    public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        directories.put(containerId, config.getDirectory());
        call("prepare");
        return Optional.ofNullable(launchInfo);
    }

    @Override
    public void isolate(ContainerID containerId, long pid) {
        call("isolate");
        if (markSandboxOnIsolate) {
            try {
                Files.writeString(Path.of(directories.get(containerId), "isolated-" + name), Long.toString(pid));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public CompletionStage<ContainerLimitation> watch(ContainerID containerId) {
        call("watch");
        return limitation;
    }

    @Override
    public void update(ContainerID containerId, List<Resource> resources, Map<String, Value.Scalar> limits) {
        call("update");
    }

    @Override
    public void cleanup(ContainerID containerId) {
        call("cleanup");
    }
}
