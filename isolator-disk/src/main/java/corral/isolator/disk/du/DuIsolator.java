package corral.isolator.disk.du;

import corral.isolator.disk.DiskResources;
import corral.isolator.disk.DiskSettings;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.MesosValues;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.DiskStatistics;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.TaskStatus;
import corral.isolator.spi.mesos.Value;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerLimitation;
import corral.isolator.spi.mesos.slave.ContainerState;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code disk/du}: measures each container's sandbox (and the volumes its {@code disk} resources name)
 * with {@code du}, reports it in {@link #usage}, and with {@code --enforce_container_disk_quota}
 * completes {@link #watch} when the sandbox outgrows its {@code disk} resource.
 *
 * <p>Unlike Mesos's one serial queue for the whole agent, each container is sampled on its own
 * schedule (first sample right after {@link #isolate}, then every
 * {@code --container_disk_watch_interval}) by a pool of {@value #PARALLELISM} workers, and a {@code du}
 * that fails or outlives its timeout is logged, killed and retried at the next tick without holding
 * up the other containers. Thread-safe.
 */
final class DuIsolator implements Isolator {

    static final int PARALLELISM = 2;
    private static final System.Logger LOG = System.getLogger(DuIsolator.class.getName());

    private final DiskSettings settings;
    private final DuCommand command;
    private final Duration timeout;
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemons("disk-du-timer"));
    private final ExecutorService workers = Executors.newFixedThreadPool(PARALLELISM, daemons("disk-du"));
    private final ExecutorService drains = Executors.newCachedThreadPool(daemons("disk-du-output"));
    private final AtomicLong samples = new AtomicLong();

    DuIsolator(DiskSettings settings, DuCommand command, Duration timeout) {
        this.settings = settings;
        this.command = command;
        this.timeout = timeout;
    }

    /** A du over a cold tree of 500k files took 8-15 s in the perf anchors: allow well beyond that. */
    static Duration defaultTimeout(DiskSettings settings) {
        Duration twice = settings.watchInterval().multipliedBy(2);
        return twice.compareTo(Duration.ofSeconds(60)) > 0 ? twice : Duration.ofSeconds(60);
    }

    /** One measured path: the sandbox, an ephemeral volume, or a volume with its own quota. */
    private static final class Tracked {
        final Path path;
        final boolean ephemeral;
        volatile List<Resource> quota = List.of();
        volatile long quotaBytes;
        volatile Long lastUsage;
        volatile boolean inFlight;
        volatile Process running;

        Tracked(Path path, boolean ephemeral) {
            this.path = path;
            this.ephemeral = ephemeral;
        }
    }

    private static final class Container {
        final Path sandbox;
        final List<Path> ephemeral;
        final CompletableFuture<ContainerLimitation> limitation = new CompletableFuture<>();
        final Map<Path, Tracked> paths = new ConcurrentHashMap<>();
        volatile boolean sandboxQuota;
        volatile boolean isolated;
        volatile boolean stopped;
        ScheduledFuture<?> tick;

        Container(Path sandbox, List<Path> ephemeral) {
            this.sandbox = sandbox;
            this.ephemeral = ephemeral;
        }
    }

    @Override
    public boolean supportsNesting() {
        // Mesos says true but then ignores nested containers in every call; not being called is the same
        return false;
    }

    @Override
    public boolean supportsStandalone() {
        return true;
    }

    @Override
    public void recover(List<ContainerState> states, Set<ContainerID> orphans) {
        for (ContainerState state : states) {
            if (state.getContainerId().hasParent()) {
                continue;
            }
            Path sandbox = Path.of(state.getDirectory());
            Container container = new Container(sandbox, ephemeral(sandbox, state.getEphemeralVolumesList()));
            container.isolated = true; // running: sampling starts with the quotas of the next update
            containers.put(key(state.getContainerId()), container);
        }
    }

    @Override
    public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        if (containers.containsKey(key(containerId))) {
            throw new IsolatorException("Container has already been prepared");
        }
        Path sandbox = Path.of(config.getDirectory());
        Container container = new Container(sandbox, ephemeral(sandbox, config.getEphemeralVolumesList()));
        apply(container, config.getResourcesList()); // validates before anything is recorded
        if (containers.putIfAbsent(key(containerId), container) != null) {
            throw new IsolatorException("Container has already been prepared");
        }
        return Optional.empty();
    }

    @Override
    public void isolate(ContainerID containerId, long pid) {
        Container container = known(containerId);
        container.isolated = true;
        schedule(container);
    }

    @Override
    public CompletionStage<ContainerLimitation> watch(ContainerID containerId) {
        return known(containerId).limitation;
    }

    @Override
    public void update(ContainerID containerId, List<Resource> resources, Map<String, Value.Scalar> limits) {
        Container container = containers.get(key(containerId));
        if (container == null) {
            LOG.log(Level.WARNING, "Ignoring update for unknown container {0}", containerId.getValue());
            return;
        }
        apply(container, resources);
        schedule(container);
    }

    @Override
    public void usage(ContainerID containerId, ResourceStatistics.Builder statistics) {
        Container container = known(containerId);
        for (Tracked t : container.paths.values()) {
            if (t.ephemeral) {
                continue;
            }
            DiskStatistics.Builder volume = DiskStatistics.newBuilder().setLimitBytes(t.quotaBytes);
            Long used = t.lastUsage;
            if (used != null) {
                volume.setUsedBytes(used);
            }
            if (!t.quota.isEmpty() && t.quota.get(0).hasDisk()) {
                Resource.DiskInfo disk = t.quota.get(0).getDisk();
                if (disk.hasSource()) {
                    volume.setSource(disk.getSource());
                }
                if (disk.hasPersistence()) {
                    volume.setPersistence(disk.getPersistence());
                }
            }
            statistics.addDiskStatistics(volume);
        }
        if (container.sandboxQuota) {
            long used = ephemeralUsage(container);
            long limit = container.paths.get(container.sandbox).quotaBytes;
            statistics.setDiskLimitBytes(limit).setDiskUsedBytes(used);
            statistics.addDiskStatistics(DiskStatistics.newBuilder().setLimitBytes(limit).setUsedBytes(used));
        }
    }

    @Override
    public void cleanup(ContainerID containerId) {
        Container container = containers.remove(key(containerId));
        if (container == null) {
            return;
        }
        container.stopped = true;
        synchronized (container) {
            if (container.tick != null) {
                container.tick.cancel(false);
            }
        }
        for (Tracked t : container.paths.values()) {
            Process p = t.running;
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /** @return how many {@code du} runs have finished, successfully or not (for tests) */
    long samplesTaken() {
        return samples.get();
    }

    /** Stops the sampling threads; the isolator must not be used afterwards. */
    void shutdown() {
        timer.shutdownNow();
        workers.shutdownNow();
        drains.shutdownNow();
    }

    // --- quotas ---------------------------------------------------------------------------------

    private void apply(Container container, List<Resource> resources) {
        List<Resource> disks = DiskResources.disks(resources);
        Map<Path, List<Resource>> byPath = new LinkedHashMap<>();
        for (Resource disk : disks) {
            Path path = container.sandbox;
            if (disk.hasDisk() && disk.getDisk().hasVolume()) {
                String containerPath = disk.getDisk().getVolume().getContainerPath();
                Path p = Path.of(containerPath);
                path = (p.isAbsolute() ? p : container.sandbox.resolve(p)).normalize();
            }
            byPath.computeIfAbsent(path, k -> new ArrayList<>()).add(disk);
        }
        Map<Path, Long> quotas = new LinkedHashMap<>();
        for (Map.Entry<Path, List<Resource>> e : byPath.entrySet()) {
            quotas.put(e.getKey(), DiskResources.quotaBytes(e.getValue()));
        }
        // validated: now change state
        List<Resource> sandboxDisks = byPath.get(container.sandbox);
        container.sandboxQuota = sandboxDisks != null;
        if (sandboxDisks != null) {
            for (Path p : container.ephemeral) {
                byPath.put(p, sandboxDisks);
                quotas.put(p, quotas.get(container.sandbox));
            }
        }
        container.paths.keySet().retainAll(byPath.keySet());
        for (Map.Entry<Path, List<Resource>> e : byPath.entrySet()) {
            Tracked t = container.paths.computeIfAbsent(e.getKey(),
                    p -> new Tracked(p, container.ephemeral.contains(p)));
            t.quota = List.copyOf(e.getValue());
            t.quotaBytes = quotas.get(e.getKey());
        }
    }

    private static List<Path> ephemeral(Path sandbox, List<String> volumes) {
        List<Path> paths = new ArrayList<>();
        paths.add(sandbox);
        volumes.forEach(v -> paths.add(Path.of(v)));
        return List.copyOf(paths);
    }

    private static long ephemeralUsage(Container container) {
        long sum = 0;
        for (Tracked t : container.paths.values()) {
            Long used = t.lastUsage;
            if (t.ephemeral && used != null) {
                sum += used;
            }
        }
        return sum;
    }

    // --- sampling -------------------------------------------------------------------------------

    private void schedule(Container container) {
        synchronized (container) {
            if (container.tick != null || container.stopped || !container.isolated || container.paths.isEmpty()) {
                return;
            }
            long interval = settings.watchInterval().toNanos();
            container.tick = timer.scheduleWithFixedDelay(() -> tick(container), 0, interval, TimeUnit.NANOSECONDS);
        }
    }

    private void tick(Container container) {
        for (Tracked t : container.paths.values()) {
            if (t.inFlight) {
                continue; // the previous du of this path is still running; its timeout bounds it
            }
            t.inFlight = true;
            try {
                workers.execute(() -> {
                    try {
                        sample(container, t);
                    } finally {
                        t.inFlight = false;
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                t.inFlight = false;
            }
        }
    }

    private void sample(Container container, Tracked t) {
        if (container.stopped) {
            return;
        }
        List<Path> excludes = new ArrayList<>();
        if (t.ephemeral) {
            for (Tracked other : container.paths.values()) {
                if (!other.ephemeral && other.path.startsWith(t.path)) {
                    excludes.add(other.path);
                }
            }
        }
        Path path = t.path;
        if (!t.ephemeral && Files.isSymbolicLink(path)) {
            path = Path.of(path + "/"); // a linked volume: make du measure what it points at
        }
        try {
            Optional<Long> used = du(t, path, excludes);
            if (used.isEmpty()) {
                return;
            }
            t.lastUsage = used.get();
        } finally {
            samples.incrementAndGet();
        }
        if (settings.enforce()) {
            enforce(container, t);
        }
    }

    private void enforce(Container container, Tracked t) {
        if (!t.quota.isEmpty() && t.quota.get(0).hasDisk() && t.quota.get(0).getDisk().hasSource()
                && t.quota.get(0).getDisk().getSource().getType() == Resource.DiskInfo.Source.Type.MOUNT) {
            return; // a MOUNT disk is a filesystem of its own size: it enforces itself
        }
        long used = t.ephemeral ? ephemeralUsage(container) : t.lastUsage;
        if (used > t.quotaBytes) {
            container.limitation.complete(ContainerLimitation.newBuilder()
                    .addAllResources(t.quota)
                    .setMessage("Disk usage (" + MesosValues.formatBytes(used) + ") exceeds quota ("
                            + MesosValues.formatBytes(t.quotaBytes) + ")")
                    .setReason(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_DISK)
                    .build());
        }
    }

    /** @return the size in bytes, or empty when du failed or timed out (logged) */
    private Optional<Long> du(Tracked t, Path path, List<Path> excludes) {
        List<String> argv = command.forPath(path, excludes);
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Failed to perform ''du'' on ''{0}'': {1}", path, e.getMessage());
            return Optional.empty();
        }
        t.running = process;
        try {
            CompletableFuture<byte[]> out = drain(process.getInputStream());
            CompletableFuture<byte[]> err = drain(process.getErrorStream());
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                LOG.log(Level.WARNING, "''du'' on ''{0}'' did not finish within {1} s; killed it, will retry",
                        path, timeout.toSeconds());
                return Optional.empty();
            }
            String stdout = new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                LOG.log(Level.WARNING, "Failed to perform ''du'': {0}",
                        new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip());
                return Optional.empty();
            }
            String[] tokens = stdout.strip().split("\\s+");
            try {
                return Optional.of(Long.parseLong(tokens[0]) * 1024);
            } catch (NumberFormatException e) {
                LOG.log(Level.WARNING, "Unexpected output from ''du'': {0}", stdout.strip());
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(Level.WARNING, "Failed to read the output of ''du'' on ''{0}'': {1}", path, e.toString());
            return Optional.empty();
        } finally {
            t.running = null;
        }
    }

    private CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, drains);
    }

    // --- helpers --------------------------------------------------------------------------------

    private Container known(ContainerID containerId) {
        Container container = containers.get(key(containerId));
        if (container == null) {
            throw new IsolatorException("Unknown container");
        }
        return container;
    }

    private static String key(ContainerID id) {
        return id.hasParent() ? key(id.getParent()) + "." + id.getValue() : id.getValue();
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
