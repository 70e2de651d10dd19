package corral.isolator.disk.xfs;

import corral.bindings.FsXattr;
import corral.bindings.NativeException;
import corral.bindings.Quota;
import corral.isolator.disk.DiskResources;
import corral.isolator.disk.DiskSettings;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.MesosValues;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.TaskStatus;
import corral.isolator.spi.mesos.Value;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerLimitation;
import corral.isolator.spi.mesos.slave.ContainerState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code disk/xfs}: each sandbox gets the lowest free project id of {@code --xfs_project_range}, set
 * with the inherit flag on the sandbox and everything in it, so the kernel counts the sandbox's space.
 *
 * <p>Policies: without {@code --enforce_container_disk_quota} it only accounts; with it the hard limit
 * is the {@code disk} resource and writes beyond it fail ({@code ENOSPC}: XFS reports project quota
 * exhaustion as "no space", not {@code EDQUOT}); with {@code --xfs_kill_containers} too, the soft limit
 * is the quota, the hard limit quota + {@code --xfs_quota_headroom}, and a check every
 * {@code --container_disk_watch_interval} completes {@link #watch} above the soft limit.
 *
 * <p>Unlike Mesos, an id goes back to the free set at {@link #cleanup}: the sandbox's files are
 * relabelled to project 0 and the quota record dropped, so the id carries nothing to its next owner;
 * Mesos holds ids until the sandbox is garbage collected. Thread-safe.
 */
public final class XfsIsolator implements Isolator {

    private static final System.Logger LOG = System.getLogger(XfsIsolator.class.getName());

    /** Mesos's metric names for {@link #metrics()}. */
    public static final String PROJECT_IDS_TOTAL = "containerizer/mesos/disk/project_ids_total";
    /** Mesos's metric names for {@link #metrics()}. */
    public static final String PROJECT_IDS_FREE = "containerizer/mesos/disk/project_ids_free";

    enum Policy { ACCOUNTING, ENFORCING_PASSIVE, ENFORCING_ACTIVE }

    private final DiskSettings settings;
    private final Path workDir;
    private final String device;
    private final ProjectIds ids;
    private final Policy policy;
    private final Map<String, Info> containers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService killLoop;

    private static final class Info {
        final ContainerID id;
        final Path sandbox;
        final List<Path> ephemeral;
        final long projectId;
        final CompletableFuture<ContainerLimitation> limitation = new CompletableFuture<>();
        volatile long quotaBytes; // 0: no disk resource

        Info(ContainerID id, Path sandbox, List<Path> ephemeral, long projectId, long quotaBytes) {
            this.id = id;
            this.sandbox = sandbox;
            this.ephemeral = ephemeral;
            this.projectId = projectId;
            this.quotaBytes = quotaBytes;
        }
    }

    XfsIsolator(DiskSettings settings, Path workDir, String device, ProjectIds ids) {
        this.settings = settings;
        this.workDir = workDir;
        this.device = device;
        this.ids = ids;
        this.policy = !settings.enforce() ? Policy.ACCOUNTING
                : settings.xfsKillContainers() ? Policy.ENFORCING_ACTIVE : Policy.ENFORCING_PASSIVE;
        if (policy == Policy.ENFORCING_ACTIVE) {
            killLoop = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "disk-xfs-watch");
                t.setDaemon(true);
                return t;
            });
            long interval = settings.watchInterval().toNanos();
            killLoop.scheduleWithFixedDelay(this::checkLimits, interval, interval, TimeUnit.NANOSECONDS);
        } else {
            killLoop = null;
        }
    }

    /** @return how many project ids {@code --xfs_project_range} holds ({@code project_ids_total}) */
    public long projectIdsTotal() {
        return ids.total();
    }

    /** @return how many of them are not held by a sandbox ({@code project_ids_free}) */
    public long projectIdsFree() {
        return ids.free();
    }

    /**
     * @return Mesos's gauges {@value #PROJECT_IDS_TOTAL} and {@value #PROJECT_IDS_FREE}, for
     *     {@code /metrics/snapshot}; read afresh on each call
     */
    @Override
    public Map<String, Double> metrics() {
        return Map.of(PROJECT_IDS_TOTAL, (double) projectIdsTotal(), PROJECT_IDS_FREE, (double) projectIdsFree());
    }

    // --- lifecycle ------------------------------------------------------------------------------

    @Override
    public boolean supportsNesting() {
        return false; // as Mesos: a nested container lives in its parent's sandbox and inherits its project id
    }

    @Override
    public boolean supportsStandalone() {
        return false; // as Mesos
    }

    @Override
    public void recover(List<ContainerState> states, Set<ContainerID> orphans) {
        Map<Path, ContainerState> alive = new HashMap<>();
        states.forEach(s -> alive.put(Path.of(s.getDirectory()).normalize(), s));
        Map<Path, ContainerID> orphaned = new HashMap<>();
        orphans.forEach(o -> orphaned.put(workDir.resolve("sandboxes").resolve(o.getValue()).normalize(), o));
        Path sandboxes = workDir.resolve("sandboxes");
        if (!Files.isDirectory(sandboxes, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(sandboxes)) {
            stream.forEach(dirs::add);
        } catch (IOException e) {
            throw new IsolatorException("Failed to list sandboxes in '" + sandboxes + "': " + e.getMessage(), e);
        }
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            long projectId;
            try {
                projectId = Integer.toUnsignedLong(FsXattr.get(dir).projectId());
            } catch (NativeException e) {
                throw new IsolatorException("Failed to get project ID for '" + dir + "': " + e.getMessage(), e);
            }
            if (projectId == 0) {
                continue;
            }
            boolean inRange = ids.markTaken(projectId);
            ContainerState state = alive.get(dir.normalize());
            ContainerID owner = state != null ? state.getContainerId() : orphaned.get(dir.normalize());
            if (owner != null) {
                long quota = recoveredQuota(projectId);
                List<Path> ephemeral = state != null
                        ? state.getEphemeralVolumesList().stream().map(Path::of).toList() : List.of();
                containers.put(key(owner), new Info(owner, dir, ephemeral, projectId, quota));
                LOG.log(Level.INFO, "Recovered project {0} of ''{1}''", String.valueOf(projectId), dir);
            } else if (inRange) {
                // a sandbox left by a container that is gone: give its id back now
                release(dir, List.of(), projectId);
            }
        }
    }

    @Override
    public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        if (containers.containsKey(key(containerId))) {
            throw new IsolatorException("Container has already been prepared");
        }
        long quota = sandboxQuota(config.getResourcesList()); // bad input fails before anything changes
        Path sandbox = Path.of(config.getDirectory());
        if (!Files.isDirectory(sandbox, LinkOption.NOFOLLOW_LINKS)) {
            throw new IsolatorException(sandbox + " is not a directory");
        }
        try {
            String sandboxDevice = Quota.deviceOf(sandbox);
            if (!sandboxDevice.equals(device)) {
                throw new IsolatorException("Sandbox '" + sandbox + "' is on " + sandboxDevice
                        + ", not on the XFS filesystem of '" + workDir + "' (" + device + ")");
            }
        } catch (IOException e) {
            throw new IsolatorException("Failed to find the filesystem of '" + sandbox + "': " + e.getMessage(), e);
        }
        OptionalLong allocated = ids.allocate(this::unusedByKernel);
        if (allocated.isEmpty()) {
            throw new IsolatorException("Failed to assign project ID, range exhausted");
        }
        long projectId = allocated.getAsLong();
        List<Path> ephemeral = config.getEphemeralVolumesList().stream().map(Path::of).toList();
        List<Path> labelled = new ArrayList<>();
        try {
            for (Path dir : concat(sandbox, ephemeral)) {
                labelled.add(dir);
                FsXattr.setTree(dir, (int) projectId);
            }
            LOG.log(Level.INFO, "Assigned project {0} to ''{1}''", String.valueOf(projectId), sandbox);
            applyQuota(containerId, projectId, quota);
        } catch (IOException | RuntimeException e) {
            release(null, labelled, projectId); // undo: labels off, record dropped, id free again
            throw new IsolatorException("Failed to assign project " + projectId + ": " + e.getMessage(), e);
        }
        containers.put(key(containerId), new Info(containerId, sandbox, ephemeral, projectId, quota));
        return Optional.empty();
    }

    @Override
    public CompletionStage<ContainerLimitation> watch(ContainerID containerId) {
        Info info = containers.get(key(containerId));
        if (info == null) {
            LOG.log(Level.WARNING, "Ignoring watch for unknown container {0}", containerId.getValue());
            return new CompletableFuture<>();
        }
        return info.limitation;
    }

    @Override
    public void update(ContainerID containerId, List<Resource> resources, Map<String, Value.Scalar> limits) {
        Info info = containers.get(key(containerId));
        if (info == null) {
            LOG.log(Level.INFO, "Ignoring update for unknown container {0}", containerId.getValue());
            return;
        }
        long quota = sandboxQuota(resources);
        try {
            applyQuota(containerId, info.projectId, quota);
        } catch (NativeException e) {
            throw new IsolatorException("Failed to update quota of project " + info.projectId + ": " + e.getMessage(), e);
        }
        info.quotaBytes = quota;
    }

    @Override
    public void usage(ContainerID containerId, ResourceStatistics.Builder statistics) {
        Info info = containers.get(key(containerId));
        if (info == null) {
            return;
        }
        try {
            long used = Quota.get(device, (int) info.projectId).map(Quota.Usage::usedBytes).orElse(0L);
            statistics.setDiskUsedBytes(used);
        } catch (NativeException e) {
            throw new IsolatorException("Failed to get quota of project " + info.projectId + ": " + e.getMessage(), e);
        }
        if (info.quotaBytes > 0) {
            statistics.setDiskLimitBytes(info.quotaBytes);
        }
    }

    @Override
    public void cleanup(ContainerID containerId) {
        Info info = containers.remove(key(containerId));
        if (info == null) {
            return;
        }
        release(info.sandbox, info.ephemeral, info.projectId); // the watch stays pending: the container is gone
    }

    // --- quotas ---------------------------------------------------------------------------------

    private static long sandboxQuota(List<Resource> resources) {
        List<Resource> sandbox = DiskResources.disks(resources).stream().filter(r -> !r.hasDisk()).toList();
        return sandbox.isEmpty() ? 0 : DiskResources.quotaBytes(sandbox);
    }

    private void applyQuota(ContainerID containerId, long projectId, long quota) throws NativeException {
        long soft;
        long hard;
        switch (policy) {
            case ENFORCING_PASSIVE -> {
                soft = quota;
                hard = quota;
            }
            case ENFORCING_ACTIVE -> {
                soft = quota;
                hard = quota == 0 ? 0 : quota + settings.xfsQuotaHeadroomBytes();
            }
            default -> {
                soft = 0;
                hard = 0;
            }
        }
        Quota.setLimits(device, (int) projectId, soft, hard);
        LOG.log(Level.INFO, "Set quota on container {0} for project {1} to {2}/{3}", containerId.getValue(),
                String.valueOf(projectId), MesosValues.formatBytes(soft), MesosValues.formatBytes(hard));
    }

    private long recoveredQuota(long projectId) {
        try {
            Optional<Quota.Usage> record = Quota.get(device, (int) projectId);
            if (record.isEmpty()) {
                return 0;
            }
            return policy == Policy.ENFORCING_PASSIVE ? record.get().hardLimitBytes() : record.get().softLimitBytes();
        } catch (NativeException e) {
            LOG.log(Level.WARNING, "Failed to read the quota of project {0}: {1}", String.valueOf(projectId), e.getMessage());
            return 0;
        }
    }

    /** A free id must hold no space on the filesystem: something outside Corral may use it. */
    private boolean unusedByKernel(long projectId) {
        try {
            Optional<Quota.Usage> record = Quota.get(device, (int) projectId);
            if (record.isPresent() && record.get().usedBytes() > 0) {
                LOG.log(Level.WARNING, "Project {0} of --xfs_project_range already holds {1} on {2}; not using it",
                        String.valueOf(projectId), MesosValues.formatBytes(record.get().usedBytes()), device);
                return false;
            }
            return true;
        } catch (NativeException e) {
            LOG.log(Level.WARNING, "Failed to read the quota of project {0}: {1}", String.valueOf(projectId), e.getMessage());
            return false;
        }
    }

    /**
     * Unlabels the directories, drops the quota record and frees the id, unless the kernel still
     * counts space against it (files that left the sandbox): then the id stays taken.
     */
    private void release(Path sandbox, List<Path> dirs, long projectId) {
        boolean clean = true;
        for (Path dir : sandbox == null ? dirs : concat(sandbox, dirs)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue; // already removed: nothing of it is counted any more
            }
            try {
                FsXattr.setTree(dir, 0);
            } catch (IOException | RuntimeException e) {
                clean = false;
                LOG.log(Level.WARNING, "Failed to clear project {0} from ''{1}'': {2}", String.valueOf(projectId), dir, e.getMessage());
            }
        }
        try {
            Quota.setLimits(device, (int) projectId, 0, 0);
            Optional<Quota.Usage> left = Quota.get(device, (int) projectId);
            if (left.isPresent() && left.get().usedBytes() > 0) {
                clean = false;
                LOG.log(Level.WARNING, "Project {0} still holds {1} outside its sandbox; keeping it out of the free set",
                        String.valueOf(projectId), MesosValues.formatBytes(left.get().usedBytes()));
            }
        } catch (NativeException e) {
            clean = false;
            LOG.log(Level.WARNING, "Failed to clear the quota of project {0}: {1}", String.valueOf(projectId), e.getMessage());
        }
        if (clean) {
            ids.release(projectId);
            LOG.log(Level.INFO, "Reclaimed project ID {0}", String.valueOf(projectId));
        }
    }

    // --- kill mode ------------------------------------------------------------------------------

    private void checkLimits() {
        for (Info info : containers.values()) {
            if (info.quotaBytes == 0 || info.limitation.isDone()) {
                continue;
            }
            try {
                Optional<Quota.Usage> record = Quota.get(device, (int) info.projectId);
                if (record.isEmpty()) {
                    continue;
                }
                long used = record.get().usedBytes();
                long soft = record.get().softLimitBytes();
                if (soft > 0 && used > soft) {
                    info.limitation.complete(ContainerLimitation.newBuilder()
                            .addResources(Resource.newBuilder().setName("disk").setType(Value.Type.SCALAR)
                                    .setScalar(Value.Scalar.newBuilder().setValue(used / DiskResources.MB)))
                            .setMessage("Disk usage (" + MesosValues.formatBytes(used) + ") exceeded quota ("
                                    + MesosValues.formatBytes(soft) + ")")
                            .setReason(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_DISK)
                            .build());
                }
            } catch (NativeException e) {
                LOG.log(Level.WARNING, "Failed to check the quota of project {0}: {1}", String.valueOf(info.projectId), e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Disk watch failed for container " + info.id.getValue(), e);
            }
        }
    }

    /** Stops the kill loop's thread; for tests that create many isolators. */
    void shutdown() {
        if (killLoop != null) {
            killLoop.shutdownNow();
        }
    }

    private static List<Path> concat(Path first, List<Path> rest) {
        List<Path> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static String key(ContainerID id) {
        return id.hasParent() ? key(id.getParent()) + "." + id.getValue() : id.getValue();
    }
}
