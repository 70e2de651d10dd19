package corral.agent.isolators.posix;

import corral.bindings.ProcStat;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.Value;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerLimitation;
import corral.isolator.spi.mesos.slave.ContainerState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Mesos's {@code posix/cpu} and {@code posix/mem}: no isolation, only usage. The container's pid is
 * recorded at {@code isolate}; {@code usage} sums its process tree from {@code /proc}. Once the tree
 * is gone, the last figures are kept, so that a final status still carries them.
 */
final class PosixUsageIsolator implements Isolator {

    /** Which figures this isolator reports. */
    enum Kind { CPU, MEM }

    private final Kind kind;
    private final ConcurrentMap<ContainerID, Tracked> containers = new ConcurrentHashMap<>();

    PosixUsageIsolator(Kind kind) {
        this.kind = kind;
    }

    /** A prepared container: its root process once isolated, and the last figures seen. */
    private static final class Tracked {
        volatile long pid = -1;
        volatile long startTicks;
        volatile ProcessTree.Usage last;
    }

    @Override
    public void recover(List<ContainerState> states, Set<ContainerID> orphans) {
        for (ContainerState state : states) {
            Tracked tracked = new Tracked();
            tracked.startTicks = ProcStat.read(state.getPid()).map(ProcStat::startTicks).orElse(-1L);
            tracked.pid = state.getPid();
            containers.put(state.getContainerId(), tracked);
        }
    }

    @Override
    public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        if (containers.putIfAbsent(containerId, new Tracked()) != null) {
            throw new IsolatorException("Container " + name(containerId) + " has already been prepared");
        }
        return Optional.empty();
    }

    @Override
    public void isolate(ContainerID containerId, long pid) {
        Tracked tracked = known(containerId);
        tracked.startTicks = ProcStat.read(pid).map(ProcStat::startTicks).orElse(-1L);
        tracked.pid = pid;
    }

    @Override
    public CompletionStage<ContainerLimitation> watch(ContainerID containerId) {
        known(containerId);
        return new CompletableFuture<>();
    }

    @Override
    public void update(ContainerID containerId, List<Resource> resources, Map<String, Value.Scalar> limits) {
        known(containerId);
    }

    @Override
    public void usage(ContainerID containerId, ResourceStatistics.Builder statistics) {
        Tracked tracked = containers.get(containerId);
        if (tracked == null || tracked.pid < 0) {
            return;
        }
        ProcessTree.Usage usage = ProcessTree.usage(tracked.pid, tracked.startTicks).orElse(null);
        if (usage != null) {
            tracked.last = usage;
        } else {
            usage = tracked.last;
        }
        if (usage == null) {
            return;
        }
        statistics.setProcesses(usage.processes()).setThreads(usage.threads());
        if (kind == Kind.CPU) {
            statistics.setCpusUserTimeSecs(usage.userSeconds()).setCpusSystemTimeSecs(usage.systemSeconds());
        } else {
            statistics.setMemRssBytes(usage.rssBytes());
        }
    }

    @Override
    public void cleanup(ContainerID containerId) {
        containers.remove(containerId);
    }

    private Tracked known(ContainerID containerId) {
        Tracked tracked = containers.get(containerId);
        if (tracked == null) {
            throw new IsolatorException("Unknown container: " + name(containerId));
        }
        return tracked;
    }

    private static String name(ContainerID id) {
        return id.hasParent() ? name(id.getParent()) + "." + id.getValue() : id.getValue();
    }
}
