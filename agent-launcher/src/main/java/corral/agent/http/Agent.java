package corral.agent.http;

import corral.agent.checkpoint.CheckpointException;
import corral.agent.checkpoint.Checkpointer;
import corral.agent.checkpoint.FileTrees;
import corral.agent.checkpoint.RecoveredContainer;
import corral.agent.containerizer.Containerizer;
import corral.agent.containerizer.ContainerizerException;
import corral.agent.containerizer.ContainerizerSettings;
import corral.agent.containerizer.FinalStatus;
import corral.agent.containerizer.LaunchRequest;
import corral.agent.http.v1.Call;
import corral.agent.http.v1.VersionInfo;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.TaskState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's containers as its HTTP API sees them: the containerizer plus what the API adds (task
 * identity, status history for {@code /state}, metrics, the launch checkpoint, final statuses of
 * containers that ended before a restart). Thread-safe.
 */
public final class Agent {

    private static final System.Logger LOG = System.getLogger(Agent.class.getName());

    /** The framework under which containers launched without task identity are listed. */
    public static final String STANDALONE = "standalone";

    /** One task status of a container, for {@code /state}. */
    record StatusEntry(TaskState state, double timestamp, ContainerStatus containerStatus) {
    }

    /** What the API knows about one container. */
    static final class Entry {
        final ContainerID id;
        final Call.LaunchContainer launch;
        final double launchedAt;
        final CompletableFuture<Void> launchDone = new CompletableFuture<>();
        /** Completes once the final status is known and checkpointed. */
        final CompletableFuture<FinalStatus> ended = new CompletableFuture<>();
        private final List<StatusEntry> statuses = new ArrayList<>();
        private volatile FinalStatus finalStatus;

        Entry(Call.LaunchContainer launch, double launchedAt) {
            this.id = launch.getContainerId();
            this.launch = launch;
            this.launchedAt = launchedAt;
        }

        String frameworkId() {
            return launch.hasFrameworkId() ? launch.getFrameworkId().getValue() : STANDALONE;
        }

        String executorId() {
            return launch.hasExecutorId() ? launch.getExecutorId().getValue() : id.getValue();
        }

        String taskId() {
            return launch.hasTaskId() ? launch.getTaskId().getValue() : id.getValue();
        }

        boolean standalone() {
            return !launch.hasFrameworkId();
        }

        synchronized void addStatus(TaskState state, ContainerStatus status) {
            statuses.add(new StatusEntry(state, now(), status));
        }

        synchronized List<StatusEntry> statuses() {
            return List.copyOf(statuses);
        }

        Optional<FinalStatus> finalStatus() {
            return Optional.ofNullable(finalStatus);
        }

        /** @return whether it is launched and has not ended */
        boolean running() {
            return launchDone.isDone() && finalStatus == null;
        }
    }

    /** What became of a launch call. */
    public enum LaunchOutcome {
        /** A new container runs: {@code 200 OK}. */
        LAUNCHED,
        /** The id is in use already; nothing was launched: {@code 202 Accepted}, as Mesos. */
        ALREADY_IN_USE
    }

    /** A launch failed; the message is Mesos's {@code Failed to launch container: <reason>}. */
    public static final class LaunchFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        LaunchFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What became of a remove call. */
    public enum RemoveOutcome {
        /** Removed. */
        REMOVED,
        /** No such container. */
        UNKNOWN,
        /** Still running. */
        RUNNING
    }

    private final Containerizer containerizer;
    private final Checkpointer checkpointer;
    private final Path workDir;
    private final AgentMetrics metrics = new AgentMetrics();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AgentInfo info;

    /**
     * Facts about the agent that its endpoints show.
     *
     * @param id the agent id
     * @param hostname the host name
     * @param startTime when the agent started, in seconds since the epoch
     * @param flags every flag and its value
     * @param version the agent's version
     * @param isolators the agent's isolators, whose agent-wide {@code metrics()} {@code /metrics/snapshot}
     *     publishes
     */
    public record AgentInfo(String id, String hostname, double startTime, Map<String, String> flags,
            VersionInfo version, List<Isolator> isolators) {
        /** Copies the flags and the isolators. */
        public AgentInfo {
            flags = Map.copyOf(flags);
            isolators = List.copyOf(isolators);
        }
    }

    /**
     * @param containerizer runs the containers
     * @param checkpointer where the launch calls are checkpointed
     * @param workDir the agent's {@code --work_dir}
     * @param info facts the endpoints show
     */
    public Agent(Containerizer containerizer, Checkpointer checkpointer, Path workDir, AgentInfo info) {
        this.containerizer = containerizer;
        this.checkpointer = checkpointer;
        this.workDir = workDir;
        this.info = info;
    }

    AgentInfo info() {
        return info;
    }

    AgentMetrics metrics() {
        return metrics;
    }

    Containerizer containerizer() {
        return containerizer;
    }

    /** @return every known container, sorted by id */
    List<Entry> entries() {
        List<Entry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparing(e -> e.id.getValue()));
        return list;
    }

    /**
     * Launches a container, once: of concurrent launches of one id exactly one runs it, the others
     * get {@link LaunchOutcome#ALREADY_IN_USE}.
     *
     * @param call a validated launch call
     * @return what happened
     * @throws LaunchFailedException when the containerizer could not launch it
     */
    public LaunchOutcome launch(Call.LaunchContainer call) throws LaunchFailedException {
        ContainerID id = call.getContainerId();
        Entry entry = new Entry(call, now());
        if (entries.putIfAbsent(id.getValue(), entry) != null || containerizer.wait(id).isPresent()) {
            entries.remove(id.getValue(), entry);
            return LaunchOutcome.ALREADY_IN_USE;
        }
        long start = System.nanoTime();
        try {
            checkpointer.launch(id, call);
            containerizer.launch(request(call));
            metrics.launched((System.nanoTime() - start) / 1e9);
            entry.addStatus(TaskState.TASK_RUNNING, containerizer.status(id).orElse(defaultStatus(id)));
            watch(entry);
            return LaunchOutcome.LAUNCHED;
        } catch (ContainerizerException | CheckpointException e) {
            metrics.launchFailed();
            if (containerizer.wait(id).isPresent()) {
                watch(entry); // the containerizer keeps the failed container until it is removed
            } else {
                entries.remove(id.getValue(), entry);
                forgetCheckpoint(id);
            }
            String prefix = "Failed to launch container: "; // the containerizer's own launch failures carry it
            throw new LaunchFailedException(e.getMessage().startsWith(prefix) ? e.getMessage() : prefix + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            metrics.launchFailed();
            entries.remove(id.getValue(), entry);
            forgetCheckpoint(id);
            throw e;
        } finally {
            entry.launchDone.complete(null);
        }
    }

    /**
     * Makes a container recovered at start-up known to the API.
     *
     * @param recovered the recovered container; the containerizer has adopted it unless it is
     *     {@code TERMINATED}
     */
    public void recovered(RecoveredContainer recovered) {
        ContainerID id = recovered.containerId();
        Call.LaunchContainer launch = recovered.launch()
                .orElseGet(() -> Call.LaunchContainer.newBuilder().setContainerId(id).build());
        Entry entry = new Entry(launch, now());
        entry.launchDone.complete(null);
        entries.put(id.getValue(), entry);
        if (recovered.kind() == RecoveredContainer.Kind.TERMINATED) {
            FinalStatus status = recovered.termination().orElseThrow();
            entry.finalStatus = status;
            entry.addStatus(status.state(), status.containerStatus());
            entry.ended.complete(status);
        } else {
            entry.addStatus(TaskState.TASK_RUNNING, containerizer.status(id).orElse(defaultStatus(id)));
            watch(entry);
        }
    }

    private void watch(Entry entry) {
        containerizer.wait(entry.id).ifPresent(f -> f.whenComplete((status, error) -> {
            if (status == null) {
                LOG.log(Level.WARNING, "waiting for container " + entry.id.getValue() + " failed", error);
                entry.ended.completeExceptionally(error);
                return;
            }
            try {
                // the containerizer removed the runtime directory with the container's cleanup; keep
                // what a restarted agent needs to answer WAIT_CONTAINER until REMOVE_CONTAINER
                checkpointer.launch(entry.id, entry.launch);
                checkpointer.terminated(status);
            } catch (CheckpointException e) {
                LOG.log(Level.WARNING, e.getMessage());
            }
            entry.finalStatus = status;
            entry.addStatus(status.state(), status.containerStatus());
            metrics.terminated(status);
            entry.ended.complete(status);
        }));
    }

    /**
     * @param id a container
     * @return completes with its final status; empty when unknown
     */
    public Optional<CompletableFuture<FinalStatus>> wait(ContainerID id) {
        Entry entry = entries.get(id.getValue());
        if (entry != null) {
            return Optional.of(entry.ended);
        }
        return containerizer.wait(id);
    }

    /**
     * @param id a container
     * @param signal the signal
     * @return false for an unknown container
     */
    public boolean kill(ContainerID id, int signal) {
        Entry entry = entries.get(id.getValue());
        if (entry != null) {
            entry.launchDone.join();
        }
        metrics.kills.increment();
        if (containerizer.kill(id, signal)) {
            return true;
        }
        // known but already ended (for example before a restart): nothing to signal
        return entry != null && entry.finalStatus != null;
    }

    /**
     * @param id a container
     * @return what happened
     */
    public RemoveOutcome remove(ContainerID id) {
        Entry entry = entries.get(id.getValue());
        if (entry != null) {
            entry.launchDone.join();
            var ending = containerizer.wait(id);
            if (!entry.ended.isDone() && ending.isPresent() && ending.get().isDone()) {
                entry.ended.exceptionally(e -> null).join(); // let the termination checkpoint land first
            }
        }
        boolean known;
        try {
            known = containerizer.remove(id);
        } catch (ContainerizerException e) {
            return RemoveOutcome.RUNNING;
        }
        if (!known) {
            if (entry == null) {
                return RemoveOutcome.UNKNOWN;
            }
            if (entry.finalStatus == null) {
                return RemoveOutcome.RUNNING;
            }
            // ended before a restart: the containerizer never knew it in this run
            deleteSandbox(id);
        }
        entries.remove(id.getValue());
        forgetCheckpoint(id);
        return RemoveOutcome.REMOVED;
    }

    /**
     * @param id a container
     * @return its statistics while it runs
     */
    Optional<ResourceStatistics> usage(ContainerID id) {
        try {
            return containerizer.usage(id);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "usage of " + id.getValue() + " failed: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * @param id a container
     * @return its status
     */
    ContainerStatus status(ContainerID id) {
        try {
            return containerizer.status(id).orElse(defaultStatus(id));
        } catch (RuntimeException e) {
            return defaultStatus(id);
        }
    }

    private void forgetCheckpoint(ContainerID id) {
        try {
            checkpointer.remove(id);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e.getMessage());
        }
    }

    /**
     * @param id a container
     * @return its sandbox directory on the host, as the containerizer makes it
     */
    Path sandbox(ContainerID id) {
        return ContainerizerSettings.sandbox(workDir, id.getValue());
    }

    private void deleteSandbox(ContainerID id) {
        Path sandbox = sandbox(id);
        if (!Files.isDirectory(sandbox, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            FileTrees.delete(sandbox);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "remove sandbox " + sandbox + ": " + e);
        }
    }

    static ContainerStatus defaultStatus(ContainerID id) {
        return ContainerStatus.newBuilder().setContainerId(id).build();
    }

    static LaunchRequest request(Call.LaunchContainer call) {
        Optional<LaunchRequest.TaskIdentity> identity = call.hasFrameworkId()
                ? Optional.of(new LaunchRequest.TaskIdentity(call.getFrameworkId().getValue(),
                        call.getExecutorId().getValue(), call.getTaskId().getValue()))
                : Optional.empty();
        return new LaunchRequest(call.getContainerId(), call.getCommand(),
                call.hasContainer() ? Optional.of(call.getContainer()) : Optional.empty(),
                call.getResourcesList(), identity);
    }

    static double now() {
        return System.currentTimeMillis() / 1000.0;
    }
}
