package corral.agent.containerizer;

import corral.agent.checkpoint.AdoptedContainer;
import corral.agent.checkpoint.CheckpointException;
import corral.agent.checkpoint.Checkpointer;
import corral.agent.checkpoint.FileTrees;
import corral.agent.checkpoint.RecoveredContainer;
import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.UserDatabase;
import corral.agent.launcher.LaunchedContainer;
import corral.agent.launcher.Launcher;
import corral.isolator.spi.ImageProvisioner;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.ProvisionedImage;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.NetworkInfo;
import corral.isolator.spi.mesos.Environment;
import corral.isolator.spi.mesos.Image;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.TaskState;
import corral.isolator.spi.mesos.TaskStatus;
import corral.isolator.spi.mesos.Value;
import corral.isolator.spi.mesos.slave.ContainerClass;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerLimitation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;

/**
 * Mesos's containerizer lifecycle around a {@link Launcher}: prepare every isolator in plan order,
 * merge their launch infos, start the container held before exec, isolate, watch, release; on exit,
 * limitation or destroy: kill, clean up every isolator in reverse order, report the final status.
 * Thread-safe.
 */
public final class DefaultContainerizer implements Containerizer {

    /** {@code PATH} of a task whose environment does not set one. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static final System.Logger LOG = System.getLogger(DefaultContainerizer.class.getName());
    private static final int SIGKILL = 9;

    private final ContainerizerSettings settings;
    private final List<PlannedIsolator> isolators;
    private final Launcher launcher;
    private final ImageProvisioners images;
    private final Checkpointer checkpointer;
    private final ConcurrentMap<ContainerID, Container> containers = new ConcurrentHashMap<>();
    private final ExecutorService workers = new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE, 1,
            java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "corral-containerizer");
                t.setDaemon(true);
                return t;
            });

    /**
     * @param settings the containerizer's settings
     * @param plan the isolators, in order
     * @param launcher the launcher that starts every container
     */
    public DefaultContainerizer(ContainerizerSettings settings, IsolatorPlan plan, Launcher launcher) {
        this(settings, plan, launcher, ImageProvisioners.none(), null);
    }

    /**
     * @param settings the containerizer's settings
     * @param plan the isolators, in order
     * @param launcher the launcher that starts every container
     * @param images the image provisioners of {@code --image_providers}
     */
    public DefaultContainerizer(ContainerizerSettings settings, IsolatorPlan plan, Launcher launcher,
            ImageProvisioners images) {
        this(settings, plan, launcher, images, null);
    }

    /**
     * A containerizer that checkpoints every container ({@code config}, {@code launch_info}, the
     * first process's pid and start time) so that a restarted agent can {@link #adopt} it.
     *
     * @param settings the containerizer's settings
     * @param plan the isolators, in order
     * @param launcher the launcher that starts every container
     * @param images the image provisioners of {@code --image_providers}
     * @param checkpointer where checkpoints go, or {@code null} for none
     */
    public DefaultContainerizer(ContainerizerSettings settings, IsolatorPlan plan, Launcher launcher,
            ImageProvisioners images, Checkpointer checkpointer) {
        this.settings = settings;
        this.isolators = plan.isolators();
        this.launcher = launcher;
        this.images = images;
        this.checkpointer = checkpointer;
    }

    // --- checkpoints and recovery (corral.agent.checkpoint) ---

    /** A checkpoint write that fails the launch when it fails. */
    private interface CheckpointStep {
        void write(Checkpointer checkpointer);
    }

    private void checkpoint(CheckpointStep step) throws LaunchFailure {
        if (checkpointer == null) {
            return;
        }
        try {
            step.write(checkpointer);
        } catch (CheckpointException e) {
            throw new LaunchFailure("Failed to checkpoint the container: " + e.getMessage());
        }
    }

    /**
     * Re-adopts the containers a restarted agent recovered (their isolators have {@code recover}ed
     * them already). {@code RUNNING} ones are watched again and can be waited for, killed, sampled
     * and destroyed as if this agent had launched them; {@code EXITED} ones are destroyed at once and
     * report the exit status their first process recorded. {@code TERMINATED} ones are skipped.
     *
     * @param recovered the recovered containers
     * @param cgroupsRoot the {@code --cgroups_root} under which the launcher made each container's
     *     cgroups; they are killed and removed when a re-adopted container ends
     */
    public void adopt(List<RecoveredContainer> recovered, String cgroupsRoot) {
        for (RecoveredContainer r : recovered) {
            if (r.kind() == RecoveredContainer.Kind.TERMINATED) {
                continue;
            }
            ContainerID id = r.containerId();
            Container c = new Container(id, sandbox(id), settings.runtimeDir().resolve("containers")
                    .resolve(id.getValue()), r.request());
            c.config = r.config().orElseThrow();
            if (c.config.hasRootfs() && c.config.getContainerInfo().getMesos().hasImage()) {
                // its root filesystem is removed after cleanup, as for a container launched here
                c.provisioner = images.forType(c.config.getContainerInfo().getMesos().getImage().getType()).orElse(null);
            }
            for (PlannedIsolator planned : isolators) {
                if (!id.hasParent() || planned.isolator().supportsNesting()) {
                    c.prepared.add(planned);
                }
            }
            c.launched = AdoptedContainer.adopt(r.process().orElseThrow(), c.runtimeDir.resolve("status"),
                    cgroupsRoot, id.getValue());
            if (containers.putIfAbsent(id, c) != null) {
                continue;
            }
            for (PlannedIsolator planned : c.prepared) {
                try {
                    planned.isolator().watch(id).whenComplete((limitation, error) -> limited(c, planned, limitation, error));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, describe(planned, "watch", e));
                }
            }
            synchronized (c) {
                c.running = true;
            }
            c.launched.exit().whenCompleteAsync((status, error) -> terminate(c, Cause.EXITED), workers);
        }
    }

    // --- end of checkpoints and recovery ---

    private static ContainerLaunchInfo merge(List<ContainerLaunchInfo> infos, ContainerConfig config)
            throws LaunchFailure {
        ContainerLaunchInfo merged;
        try {
            merged = LaunchInfos.merge(infos);
        } catch (IllegalArgumentException e) {
            throw new LaunchFailure(e.getMessage());
        }
        // only the containerizer sets rootfs: the provisioned image (isolators must not)
        return config.hasRootfs() ? merged.toBuilder().setRootfs(config.getRootfs()).build() : merged;
    }

    /** @return the settings this containerizer runs with */
    public ContainerizerSettings settings() {
        return settings;
    }

    @Override
    public Map<String, Double> metrics() {
        return images.metrics();
    }

    /**
     * @param containerId a container id
     * @return the host sandbox directory of that container
     */
    public Path sandbox(ContainerID containerId) {
        return ContainerizerSettings.sandbox(settings.workDir(), containerId.getValue());
    }

    @Override
    public void launch(LaunchRequest request) {
        ContainerID id = request.containerId();
        String problem = ContainerIds.problem(id);
        if (problem != null) {
            throw new ContainerizerException(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, problem);
        }
        if (id.hasParent()) {
            throw new ContainerizerException(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
                    "Invalid container_id '" + ContainerIds.toString(id) + "': nested containers are not supported yet");
        }
        Container container = new Container(id, sandbox(id),
                settings.runtimeDir().resolve("containers").resolve(id.getValue()), request);
        if (containers.putIfAbsent(id, container) != null) {
            throw new ContainerizerException(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
                    "Container " + ContainerIds.toString(id) + " already exists");
        }
        try {
            start(container);
        } catch (LaunchFailure failure) {
            String message = "Failed to launch container: " + failure.getMessage();
            abortLaunch(container, message);
            throw new ContainerizerException(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, message);
        } catch (RuntimeException | Error e) {
            abortLaunch(container, "Failed to launch container: " + e);
            throw e;
        }
    }

    private void start(Container c) throws LaunchFailure {
        ContainerID id = c.id;
        LaunchRequest request = c.request;
        try {
            Files.createDirectories(c.sandbox);
        } catch (IOException e) {
            throw new LaunchFailure("Failed to create the sandbox '" + c.sandbox + "' (--work_dir): " + e);
        }
        try {
            Files.createDirectories(c.runtimeDir);
        } catch (IOException e) {
            throw new LaunchFailure("Failed to create the runtime directory '" + c.runtimeDir + "' (--runtime_dir): " + e);
        }
        CommandInfo command = request.command();
        ContainerConfig.Builder config = ContainerConfig.newBuilder()
                .setCommandInfo(command)
                .addAllResources(request.resources())
                .setContainerClass(ContainerClass.DEFAULT)
                .setDirectory(c.sandbox.toString());
        request.containerInfo().or(settings::defaultContainerInfo).ifPresent(config::setContainerInfo);
        provision(c, config);
        if (command.hasUser()) {
            config.setUser(command.getUser());
            chownSandbox(c.sandbox, command.getUser(), config.hasRootfs() ? Path.of(config.getRootfs()) : null);
        }
        c.config = config.build();
        checkpoint(cp -> cp.config(id, c.config));

        List<ContainerLaunchInfo> infos = new ArrayList<>();
        for (PlannedIsolator planned : isolators) {
            if (id.hasParent() && !planned.isolator().supportsNesting()) {
                continue;
            }
            c.prepared.add(planned);
            try {
                planned.isolator().prepare(id, c.config).ifPresent(infos::add);
            } catch (RuntimeException e) {
                throw new LaunchFailure(describe(planned, "prepare", e));
            }
        }
        ContainerLaunchInfo merged = merge(infos, c.config);
        LaunchSpec spec = spec(c, merged);
        checkpoint(cp -> cp.launchInfo(id, merged));
        try {
            c.launched = launcher.launch(spec);
        } catch (LaunchException e) {
            throw new LaunchFailure(e.getMessage());
        }
        checkpoint(cp -> cp.pid(id, c.launched.pid()));
        for (PlannedIsolator planned : c.prepared) {
            try {
                planned.isolator().watch(id).whenComplete((limitation, error) -> limited(c, planned, limitation, error));
            } catch (RuntimeException e) {
                throw new LaunchFailure(describe(planned, "watch", e));
            }
        }
        for (PlannedIsolator planned : c.prepared) {
            try {
                planned.isolator().isolate(id, c.launched.pid());
            } catch (RuntimeException e) {
                throw new LaunchFailure(describe(planned, "isolate", e));
            }
        }
        Cause early;
        synchronized (c) {
            early = c.pendingCause;
        }
        if (early == null) {
            try {
                c.launched.start();
            } catch (LaunchException e) {
                throw new LaunchFailure(e.getMessage());
            }
            Map<String, Value.Scalar> limits = Map.of();
            for (PlannedIsolator planned : c.prepared) {
                try {
                    planned.isolator().update(id, request.resources(), limits);
                } catch (RuntimeException e) {
                    synchronized (c) {
                        if (c.pendingCause == null) {
                            c.pendingCause = new Cause(TaskState.TASK_FAILED,
                                    Optional.of(TaskStatus.Reason.REASON_CONTAINER_UPDATE_FAILED),
                                    Optional.of("Failed to update container: " + describe(planned, "update", e)),
                                    Optional.empty(), settings.shutdownGracePeriod());
                        }
                    }
                    break;
                }
            }
        }
        Cause pending;
        synchronized (c) {
            c.running = true;
            pending = c.pendingCause;
        }
        c.launched.exit().whenCompleteAsync((status, error) -> terminate(c, Cause.EXITED), workers);
        if (pending != null) {
            terminate(c, pending);
        }
    }

    /**
     * Mesos's PROVISIONING state: a container with {@code container_info.mesos.image} gets its root
     * filesystem, and the image's manifest, before any isolator's {@code prepare}.
     */
    private void provision(Container c, ContainerConfig.Builder config) throws LaunchFailure {
        if (!config.hasContainerInfo() || !config.getContainerInfo().getMesos().hasImage()) {
            return;
        }
        Image image = config.getContainerInfo().getMesos().getImage();
        ImageProvisioner provisioner = images.forType(image.getType())
                .orElseThrow(() -> new LaunchFailure("Unsupported container image type: " + image.getType()));
        ProvisionedImage provisioned;
        try {
            provisioned = provisioner.provision(c.id, image);
        } catch (RuntimeException e) {
            throw new LaunchFailure(e.getMessage());
        }
        c.provisioner = provisioner;
        config.setRootfs(provisioned.rootfs().toString());
        provisioned.dockerManifest().ifPresent(m -> config.setDocker(ContainerConfig.Docker.newBuilder().setManifest(m)));
        provisioned.ephemeralVolumes().forEach(v -> config.addEphemeralVolumes(v.toString()));
    }

    /** Removes the provisioned root filesystem, after every isolator's cleanup. */
    private static void destroyRootfs(Container c, List<String> errors) {
        if (c.provisioner == null) {
            return;
        }
        try {
            c.provisioner.destroy(c.id);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Failed to destroy the root filesystem of container "
                    + ContainerIds.toString(c.id), e);
            errors.add(e.getMessage());
        }
    }

    private LaunchSpec spec(Container c, ContainerLaunchInfo merged) throws LaunchFailure {
        CommandInfo command = merged.hasCommand() ? merged.getCommand() : c.request.command();
        List<String> argv = new ArrayList<>();
        if (!command.hasValue()) {
            throw new LaunchFailure("The command of container " + ContainerIds.toString(c.id) + " has no value");
        }
        if (command.getShell()) {
            argv.addAll(List.of("/bin/sh", "-c", command.getValue()));
        } else {
            // value is the executable; arguments[0] would be argv[0], which exec "$@" cannot set apart
            argv.add(command.getValue());
            if (command.getArgumentsCount() > 1) {
                argv.addAll(command.getArgumentsList().subList(1, command.getArgumentsCount()));
            }
        }
        boolean rootfs = c.config.hasRootfs();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MESOS_SANDBOX", rootfs ? settings.sandboxDirectory() : c.sandbox.toString());
        addVariables(env, merged.getEnvironment(), "an isolator");
        addVariables(env, c.request.command().getEnvironment(), "the command");
        env.putIfAbsent("PATH", DEFAULT_PATH);

        Path workingDirectory = c.sandbox;
        if (rootfs) {
            workingDirectory = Path.of(merged.hasWorkingDirectory() ? merged.getWorkingDirectory()
                    : settings.sandboxDirectory());
        } else if (merged.hasWorkingDirectory()) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring working directory '" + merged.getWorkingDirectory()
                    + "' of container " + ContainerIds.toString(c.id) + ": it has no root filesystem");
        }
        String user = c.config.hasUser() ? c.config.getUser() : null;
        return new LaunchSpec(c.id, c.sandbox, merged, argv, env, workingDirectory, user,
                c.sandbox.resolve("stdout"), c.sandbox.resolve("stderr"), c.runtimeDir.resolve("status"));
    }

    private static void addVariables(Map<String, String> env, Environment environment, String from)
            throws LaunchFailure {
        for (Environment.Variable variable : environment.getVariablesList()) {
            if (variable.getType() == Environment.Variable.Type.SECRET) {
                throw new LaunchFailure("Environment variable '" + variable.getName() + "' of " + from
                        + " is a secret, and secrets are not supported");
            }
            env.put(variable.getName(), variable.getValue());
        }
    }

    /** Gives the sandbox to the task's user: the image's when there is a root filesystem, else the host's. */
    private static void chownSandbox(Path sandbox, String user, Path rootfs) throws LaunchFailure {
        if (!"root".equals(System.getProperty("user.name"))) {
            return; // the launcher refuses to switch users without root, with a clear message
        }
        if (rootfs != null) {
            try {
                UserDatabase.User found = UserDatabase.image(rootfs).find(user);
                Files.setAttribute(sandbox, "unix:uid", (int) found.uid());
                Files.setAttribute(sandbox, "unix:gid", (int) found.gid());
            } catch (LaunchException e) {
                throw new LaunchFailure(e.getMessage());
            } catch (IOException e) {
                throw new LaunchFailure("Failed to chown the sandbox '" + sandbox + "' to user '" + user + "': " + e);
            }
            return;
        }
        try {
            Files.setOwner(sandbox, FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user));
        } catch (IOException e) {
            throw new LaunchFailure("Failed to chown the sandbox '" + sandbox + "' to user '" + user + "': " + e);
        }
    }

    private static String describe(PlannedIsolator planned, String call, RuntimeException e) {
        if (e instanceof IsolatorException && e.getMessage() != null) {
            return e.getMessage();
        }
        return "Isolator '" + planned.id() + "' failed in " + call + ": " + e;
    }

    private void limited(Container c, PlannedIsolator planned, ContainerLimitation limitation, Throwable error) {
        if (error != null) {
            LOG.log(System.Logger.Level.ERROR, "Watch of isolator '" + planned.id() + "' for container "
                    + ContainerIds.toString(c.id) + " failed; destroying it", error);
            terminate(c, new Cause(TaskState.TASK_FAILED, Optional.empty(),
                    Optional.of("Isolator '" + planned.id() + "' failed to watch the container: " + error.getMessage()),
                    Optional.empty(), settings.shutdownGracePeriod()));
            return;
        }
        LOG.log(System.Logger.Level.INFO, "Container " + ContainerIds.toString(c.id)
                + " has reached its limit for resource "
                + limitation.getResourcesList().stream().map(Resource::getName).toList() + " and will be terminated");
        terminate(c, new Cause(TaskState.TASK_FAILED,
                limitation.hasReason() ? Optional.of(limitation.getReason()) : Optional.empty(),
                limitation.hasMessage() ? Optional.of(limitation.getMessage()) : Optional.empty(),
                Optional.of(limitation), settings.shutdownGracePeriod()));
    }

    /** Starts the destruction of a launched container once; before it runs, only records the cause. */
    private void terminate(Container c, Cause cause) {
        synchronized (c) {
            if (!c.running) {
                if (c.pendingCause == null && cause != Cause.EXITED) {
                    c.pendingCause = cause;
                }
                return;
            }
            if (c.terminating) {
                return;
            }
            c.terminating = true;
        }
        workers.execute(() -> finish(c, cause));
    }

    private void finish(Container c, Cause cause) {
        try {
            if (cause != Cause.EXITED) {
                c.launched.destroy(cause.grace());
            }
            Integer status = exitStatus(c);
            ResourceStatistics statistics = sample(c);
            ContainerStatus containerStatus = status(c);
            List<String> errors = cleanup(c);
            destroyRootfs(c, errors);
            removeRuntimeDir(c);

            TaskState state;
            if (cause != Cause.EXITED) {
                state = cause.state();
            } else if (c.killRequested) {
                state = TaskState.TASK_KILLED;
            } else {
                state = status != null && status == 0 ? TaskState.TASK_FINISHED : TaskState.TASK_FAILED;
            }
            Optional<String> message = cause.message();
            if (status == null) {
                message = Optional.of("The container's first process ended while the agent was down and left no"
                        + " exit status");
            }
            if (!errors.isEmpty()) {
                state = TaskState.TASK_FAILED;
                String cleanupMessage = "Failed to clean up an isolator when destroying container: "
                        + String.join("; ", errors);
                message = Optional.of(message.map(m -> m + "; " + cleanupMessage).orElse(cleanupMessage));
            }
            c.result.complete(new FinalStatus(c.id, c.sandbox.toString(), state, Optional.ofNullable(status),
                    cause.reason(), message, cause.limitation(), containerStatus, Optional.of(statistics)));
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "Failed to destroy container " + ContainerIds.toString(c.id), e);
            c.result.complete(new FinalStatus(c.id, c.sandbox.toString(), TaskState.TASK_FAILED, Optional.empty(),
                    Optional.empty(), Optional.of("Failed to destroy container: " + e), Optional.empty(),
                    ContainerStatus.newBuilder().setContainerId(c.id).build(), Optional.ofNullable(c.lastStatistics)));
        }
    }

    /** @return the wait status, or null when a re-adopted container's first process left none */
    private static Integer exitStatus(Container c) {
        try {
            return c.launched.exit().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof AdoptedContainer.ExitStatusUnknownException) {
                return null;
            }
            throw e;
        }
    }

    private void abortLaunch(Container c, String message) {
        synchronized (c) {
            c.terminating = true;
        }
        try {
            if (c.launched != null) {
                c.launched.abort();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Failed to abort container " + ContainerIds.toString(c.id), e);
        }
        ContainerStatus containerStatus = ContainerStatus.newBuilder().setContainerId(c.id).build();
        List<String> errors = cleanup(c);
        destroyRootfs(c, errors);
        removeRuntimeDir(c);
        String full = errors.isEmpty() ? message
                : message + "; Failed to clean up an isolator when destroying container: " + String.join("; ", errors);
        c.result.complete(new FinalStatus(c.id, c.sandbox.toString(), TaskState.TASK_FAILED, Optional.empty(),
                Optional.of(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED), Optional.of(full), Optional.empty(),
                containerStatus, Optional.empty()));
    }

    /** Cleans up every prepared isolator in reverse order, each even if another failed. */
    private static List<String> cleanup(Container c) {
        List<String> errors = new ArrayList<>();
        for (int i = c.prepared.size() - 1; i >= 0; i--) {
            PlannedIsolator planned = c.prepared.get(i);
            try {
                planned.isolator().cleanup(c.id);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Isolator '" + planned.id() + "' failed to clean up container "
                        + ContainerIds.toString(c.id), e);
                errors.add(describe(planned, "cleanup", e));
            }
        }
        return errors;
    }

    private static void removeRuntimeDir(Container c) {
        try {
            deleteTree(c.runtimeDir);
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "Failed to remove " + c.runtimeDir, e);
        }
    }

    private static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<CompletableFuture<FinalStatus>> wait(ContainerID containerId) {
        return Optional.ofNullable(containers.get(containerId)).map(c -> c.result);
    }

    @Override
    public boolean kill(ContainerID containerId, int signal) {
        Container c = containers.get(containerId);
        if (c == null) {
            return false;
        }
        if (signal == SIGKILL) {
            terminate(c, new Cause(TaskState.TASK_KILLED, Optional.empty(), Optional.empty(), Optional.empty(),
                    Duration.ZERO));
            return true;
        }
        boolean running;
        synchronized (c) {
            running = c.running && !c.terminating;
            c.killRequested = true;
        }
        if (running) {
            c.launched.signal(signal);
        } else {
            terminate(c, Cause.killed(settings.shutdownGracePeriod()));
        }
        return true;
    }

    @Override
    public boolean destroy(ContainerID containerId) {
        Container c = containers.get(containerId);
        if (c == null) {
            return false;
        }
        terminate(c, Cause.killed(settings.shutdownGracePeriod()));
        c.result.join();
        return true;
    }

    @Override
    public boolean remove(ContainerID containerId) {
        Container c = containers.get(containerId);
        if (c == null) {
            return false;
        }
        if (!c.result.isDone()) {
            throw new ContainerizerException(TaskStatus.Reason.REASON_TASK_INVALID,
                    "Container " + ContainerIds.toString(containerId) + " is still running; destroy it first");
        }
        deleteTree(c.sandbox);
        deleteTree(c.runtimeDir);
        containers.remove(containerId, c);
        return true;
    }

    @Override
    public List<ContainerID> containers() {
        return List.copyOf(containers.keySet());
    }

    @Override
    public Optional<ResourceStatistics> usage(ContainerID containerId) {
        Container c = containers.get(containerId);
        if (c == null || c.launched == null || c.result.isDone()) {
            return Optional.empty();
        }
        return Optional.of(sample(c));
    }

    @Override
    public Optional<ContainerStatus> status(ContainerID containerId) {
        Container c = containers.get(containerId);
        return c == null ? Optional.empty() : Optional.of(status(c));
    }

    private ResourceStatistics sample(Container c) {
        ResourceStatistics.Builder total = ResourceStatistics.newBuilder();
        for (PlannedIsolator planned : c.prepared) {
            ResourceStatistics.Builder one = ResourceStatistics.newBuilder();
            try {
                planned.isolator().usage(c.id, one);
                total.mergeFrom(one.buildPartial());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Isolator '" + planned.id() + "' failed to report usage", e);
            }
        }
        total.setTimestamp(System.currentTimeMillis() / 1000.0); // after the isolators: theirs is not the sample's
        double cpus = scalar(c.request.resources(), "cpus");
        double mem = scalar(c.request.resources(), "mem");
        if (cpus > 0) {
            total.setCpusSoftLimit(cpus).setCpusLimit(cpus);
        }
        if (mem > 0) {
            long bytes = (long) (mem * 1024 * 1024);
            total.setMemSoftLimitBytes(bytes).setMemLimitBytes(bytes);
        }
        ResourceStatistics statistics = total.build();
        c.lastStatistics = statistics;
        return statistics;
    }

    private static double scalar(List<Resource> resources, String name) {
        return resources.stream().filter(r -> r.getName().equals(name) && r.hasScalar())
                .mapToDouble(r -> r.getScalar().getValue()).sum();
    }

    private ContainerStatus status(Container c) {
        ContainerStatus.Builder status = ContainerStatus.newBuilder().setContainerId(c.id);
        LaunchedContainer launched = c.launched;
        if (launched != null) {
            status.setExecutorPid((int) launched.pid());
        }
        for (PlannedIsolator planned : c.prepared) {
            ContainerStatus.Builder one = ContainerStatus.newBuilder();
            try {
                planned.isolator().status(c.id, one);
                status.mergeFrom(one.buildPartial());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Isolator '" + planned.id() + "' failed to report status", e);
            }
        }
        if (status.getNetworkInfosCount() == 0) {
            // as Mesos's agent: without a network isolator the container is on the agent's network
            String ip = settings.agentIp();
            status.addNetworkInfos(NetworkInfo.newBuilder().addIpAddresses(NetworkInfo.IPAddress.newBuilder()
                    .setProtocol(ip.contains(":") ? NetworkInfo.Protocol.IPv6 : NetworkInfo.Protocol.IPv4)
                    .setIpAddress(ip)));
        }
        return status.build();
    }

    @Override
    public void close() {
        workers.shutdown();
    }

    /** Why a container is being destroyed; {@link #EXITED} when its task ended on its own. */
    private record Cause(TaskState state, Optional<TaskStatus.Reason> reason, Optional<String> message,
            Optional<ContainerLimitation> limitation, Duration grace) {

        static final Cause EXITED = new Cause(null, Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO);

        static Cause killed(Duration grace) {
            return new Cause(TaskState.TASK_KILLED, Optional.empty(), Optional.empty(), Optional.empty(), grace);
        }
    }

    /** One container's state. Fields written by the launching thread are read after {@code running}. */
    private static final class Container {
        final ContainerID id;
        final Path sandbox;
        final Path runtimeDir;
        final LaunchRequest request;
        final List<PlannedIsolator> prepared = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<FinalStatus> result = new CompletableFuture<>();
        volatile ContainerConfig config;
        volatile LaunchedContainer launched;
        volatile ImageProvisioner provisioner;
        volatile ResourceStatistics lastStatistics;
        volatile boolean killRequested;
        // guarded by this
        boolean running;
        boolean terminating;
        Cause pendingCause;

        Container(ContainerID id, Path sandbox, Path runtimeDir, LaunchRequest request) {
            this.id = id;
            this.sandbox = sandbox;
            this.runtimeDir = runtimeDir;
            this.request = request;
        }
    }

    /** A launch step failed; the message is Mesos's text after {@code Failed to launch container: }. */
    private static final class LaunchFailure extends Exception {
        private static final long serialVersionUID = 1L;

        LaunchFailure(String message) {
            super(message);
        }
    }
}
