package corral.agent.cli;

import com.google.protobuf.Struct;
import com.typesafe.config.ConfigException;
import corral.agent.containerizer.ContainerIds;
import corral.agent.containerizer.ContainerizerException;
import corral.agent.containerizer.ContainerizerSettings;
import corral.agent.containerizer.DefaultContainerizer;
import corral.agent.containerizer.FinalStatus;
import corral.agent.containerizer.FinalStatusJson;
import corral.agent.containerizer.ImageProvisioners;
import corral.agent.containerizer.LaunchRequest;
import corral.agent.containerizer.ResourceText;
import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.launcher.Launcher;
import corral.agent.launcher.Launchers;
import corral.agent.launcher.linux.LinuxLauncher;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.MesosJson;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.Environment;
import corral.isolator.spi.mesos.Image;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.Volume;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bin/agent run}: one container in the foreground. Launches it, streams its sandbox
 * {@code stdout}/{@code stderr} to the terminal, waits, cleans up, writes {@code --status_file}, and
 * exits with the task's exit code (128+N when killed by signal N, 1 when the launch failed, 2 for
 * bad flags). SIGINT or SIGTERM to the agent destroys the container first.
 */
public final class RunCommand implements Command {

    private static final int USAGE = Cli.USAGE;

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "Run one container in the foreground: launch, stream its output, wait, clean up.";
    }

    @Override
    public List<CommandFlag> commandFlags() {
        return List.of(
                new CommandFlag("command", false, "A shell command for the task, run with /bin/sh -c (instead of -- CMD ARGS...)."),
                new CommandFlag("container_id", false, "The container id (default: a fresh UUID)."),
                new CommandFlag("resources", false, "Resources in Mesos text, e.g. 'cpus:0.5;mem:128;disk:64' (mem and disk in MB)."),
                new CommandFlag("volumes", false, "Mesos Volume JSON array, e.g. '[{\"container_path\":\"/tmp\",\"host_path\":\"tmp\",\"mode\":\"RW\"}]'."),
                new CommandFlag("volume", true, "One volume HOST:CONTAINER[:ro|rw]; repeatable."),
                new CommandFlag("docker_image", false, "Run inside this docker image NAME[:TAG] (needs --image_providers=docker)."),
                new CommandFlag("env", false, "Environment of the command as a JSON object, e.g. '{\"NAME\":\"value\"}'."),
                new CommandFlag("container_info", false, "The whole Mesos ContainerInfo as JSON; the flags above are merged over it."),
                new CommandFlag("status_file", false, "Write the final status as JSON to this file."));
    }

    @Override
    public int run(Invocation invocation) {
        PrintStream err = invocation.err();
        LaunchRequest request;
        Optional<Path> statusFile;
        try {
            request = request(invocation);
            statusFile = single(invocation, "status_file").map(Path::of);
            if (statusFile.isPresent()) {
                // found out before the task runs, not after
                Path parent = statusFile.get().toAbsolutePath().getParent();
                if (!Files.isDirectory(parent)) {
                    throw new UsageException(bad("status_file", statusFile.get().toString(),
                            "no directory '" + parent + "'"));
                }
            }
        } catch (UsageException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        IsolatorPlan plan;
        ContainerizerSettings settings;
        Launcher launcher;
        try {
            settings = ContainerizerSettings.from(invocation.config());
            launcher = Launchers.select(invocation.config());
            plan = invocation.createIsolators();
        } catch (StartupException e) {
            e.problems().forEach(err::println);
            return Cli.INVALID;
        } catch (ConfigException e) {
            err.println(corral.agent.config.ConfigurationException.describe(e));
            return USAGE;
        }
        ImageProvisioners images;
        try {
            images = ImageProvisioners.create(invocation.config(), settings,
                    plan.isolators().stream().map(PlannedIsolator::id).toList(), LinuxLauncher.available());
        } catch (IsolatorException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        RuntimeDirLock lock;
        try {
            lock = RuntimeDirLock.acquire(settings.runtimeDir(), false);
        } catch (StartupException e) {
            e.problems().forEach(err::println);
            return Cli.INVALID;
        }
        try (lock; DefaultContainerizer containerizer = new DefaultContainerizer(settings, plan, launcher, images)) {
            return new Foreground(containerizer, request.containerId(), statusFile, invocation.out(), err)
                    .run(request);
        } finally {
            Launchers.removeEmptyCgroupRoots(invocation.config());
        }
    }

    /** One foreground run: launch, tail, wait, report; also on SIGINT/SIGTERM through a shutdown hook. */
    private static final class Foreground {
        private final DefaultContainerizer containerizer;
        private final ContainerID id;
        private final Optional<Path> statusFile;
        private final PrintStream err;
        private final Tail stdout;
        private final Tail stderr;
        private final AtomicBoolean reported = new AtomicBoolean();
        private final CountDownLatch reportDone = new CountDownLatch(1);

        Foreground(DefaultContainerizer containerizer, ContainerID id, Optional<Path> statusFile, PrintStream out,
                PrintStream err) {
            this.containerizer = containerizer;
            this.id = id;
            this.statusFile = statusFile;
            this.err = err;
            Path sandbox = containerizer.sandbox(id);
            this.stdout = new Tail(sandbox.resolve("stdout"), out);
            this.stderr = new Tail(sandbox.resolve("stderr"), err);
        }

        int run(LaunchRequest request) {
            Thread hook = new Thread(this::interrupted, "corral-run-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                try {
                    containerizer.launch(request);
                } catch (ContainerizerException e) {
                    err.println(e.getMessage());
                    containerizer.wait(id).map(f -> f.join()).ifPresent(this::report);
                    return 1;
                }
                stdout.start();
                stderr.start();
                FinalStatus status = containerizer.wait(id).orElseThrow().join();
                report(status);
                return status.exitCode();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already: the hook reports
                }
            }
        }

        /** SIGINT or SIGTERM: destroy the container so that nothing outlives the agent. */
        private void interrupted() {
            if (!reported.get()) {
                containerizer.destroy(id);
                containerizer.wait(id).map(f -> f.join()).ifPresent(this::report);
            }
            try {
                // the main thread may be reporting: the JVM must not halt before it is done
                reportDone.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void report(FinalStatus status) {
            if (!reported.compareAndSet(false, true)) {
                return;
            }
            try {
                write(status);
            } finally {
                reportDone.countDown();
            }
        }

        private void write(FinalStatus status) {
            stdout.finish();
            stderr.finish();
            if (statusFile.isPresent()) {
                Path file = statusFile.get().toAbsolutePath();
                try {
                    Path tmp = Files.createTempFile(file.getParent(), ".status", ".tmp");
                    Files.writeString(tmp, FinalStatusJson.write(status) + "\n", StandardCharsets.UTF_8);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    err.println("Failed to write --status_file '" + file + "': " + e);
                }
            }
        }
    }

    /** Copies what a growing sandbox file gains to a terminal stream. */
    private static final class Tail implements Runnable {
        private static final long POLL_MILLIS = 25;
        private final Path file;
        private final PrintStream out;
        private final Thread thread;
        private volatile boolean stopping;
        private long position;

        Tail(Path file, PrintStream out) {
            this.file = file;
            this.out = out;
            this.thread = new Thread(this, "corral-run-tail-" + file.getFileName());
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        /** Copies the rest and stops. */
        void finish() {
            stopping = true;
            if (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (thread.getState() == Thread.State.NEW) {
                copy();
            }
        }

        @Override
        public void run() {
            while (!stopping) {
                copy();
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            copy();
        }

        private synchronized void copy() {
            if (!Files.isRegularFile(file)) {
                return;
            }
            try (InputStream in = Files.newInputStream(file)) {
                in.skipNBytes(Math.min(position, Files.size(file)));
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    position += n;
                }
                out.flush();
            } catch (IOException e) {
                // the file went away with the sandbox; nothing more to show
            }
        }
    }

    private static LaunchRequest request(Invocation invocation) throws UsageException {
        Optional<String> shell = single(invocation, "command");
        List<String> trailing = invocation.trailingArguments();
        boolean image = single(invocation, "docker_image").isPresent();
        if (shell.isPresent() && !trailing.isEmpty() || shell.isEmpty() && trailing.isEmpty() && !image) {
            throw new UsageException("Exactly one of '--command=STRING' and '-- CMD ARGS...' must be given");
        }
        CommandInfo.Builder command = CommandInfo.newBuilder();
        if (shell.isEmpty() && trailing.isEmpty()) {
            // no command: the image's Entrypoint and Cmd (docker/runtime)
            command.setShell(false);
        } else if (shell.isPresent()) {
            command.setShell(true).setValue(shell.get());
        } else {
            command.setShell(false).setValue(trailing.get(0)).addAllArguments(trailing);
        }
        Optional<String> env = single(invocation, "env");
        if (env.isPresent()) {
            command.setEnvironment(environment(env.get()));
        }

        String idText = single(invocation, "container_id").orElseGet(() -> UUID.randomUUID().toString());
        ContainerID id = ContainerID.newBuilder().setValue(idText).build();
        String problem = ContainerIds.problem(id);
        if (problem != null) {
            throw new UsageException(problem);
        }

        List<Resource> resources = List.of();
        Optional<String> resourceText = single(invocation, "resources");
        if (resourceText.isPresent()) {
            try {
                resources = ResourceText.parse(resourceText.get());
            } catch (IllegalArgumentException e) {
                throw new UsageException(bad("resources", resourceText.get(), e.getMessage()));
            }
        }
        return new LaunchRequest(id, command.build(), containerInfo(invocation), resources, Optional.empty());
    }

    private static Environment environment(String json) throws UsageException {
        Struct object;
        try {
            object = MesosJson.parse(json, Struct.newBuilder()).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(bad("env", json, "not a JSON object: " + e.getMessage()));
        }
        Environment.Builder environment = Environment.newBuilder();
        for (Map.Entry<String, com.google.protobuf.Value> entry : object.getFieldsMap().entrySet()) {
            if (entry.getValue().getKindCase() != com.google.protobuf.Value.KindCase.STRING_VALUE) {
                throw new UsageException(bad("env", json, "the value of '" + entry.getKey() + "' is not a string"));
            }
            environment.addVariables(Environment.Variable.newBuilder().setName(entry.getKey())
                    .setType(Environment.Variable.Type.VALUE).setValue(entry.getValue().getStringValue()));
        }
        return environment.build();
    }

    private static Optional<ContainerInfo> containerInfo(Invocation invocation) throws UsageException {
        Optional<String> base = single(invocation, "container_info");
        Optional<String> volumesJson = single(invocation, "volumes");
        List<String> volumeFlags = invocation.commandFlags().getOrDefault("volume", List.of());
        Optional<String> image = single(invocation, "docker_image");
        if (base.isEmpty() && volumesJson.isEmpty() && volumeFlags.isEmpty() && image.isEmpty()) {
            return Optional.empty();
        }
        ContainerInfo.Builder info = ContainerInfo.newBuilder();
        if (base.isPresent()) {
            try {
                MesosJson.parse(base.get(), info);
            } catch (IllegalArgumentException e) {
                throw new UsageException(bad("container_info", base.get(), "not a JSON ContainerInfo: " + e.getMessage()));
            }
        }
        if (!info.hasType()) {
            info.setType(ContainerInfo.Type.MESOS);
        }
        if (volumesJson.isPresent()) {
            String json = volumesJson.get().trim();
            if (!json.startsWith("[") || !json.endsWith("]")) {
                throw new UsageException(bad("volumes", volumesJson.get(), "expected a JSON array of Volume"));
            }
            List<Volume> volumes;
            try {
                volumes = MesosJson.parse("{\"volumes\":" + json + "}", ContainerInfo.newBuilder()).getVolumesList();
            } catch (IllegalArgumentException e) {
                throw new UsageException(bad("volumes", volumesJson.get(), e.getMessage()));
            }
            for (Volume volume : volumes) {
                if (!volume.isInitialized()) {
                    throw new UsageException(bad("volumes", volumesJson.get(), "a volume misses "
                            + String.join(", ", volume.findInitializationErrors())));
                }
            }
            info.addAllVolumes(volumes);
        }
        for (String flag : volumeFlags) {
            info.addVolumes(volume(flag));
        }
        if (image.isPresent()) {
            if (image.get().isBlank()) {
                throw new UsageException(bad("docker_image", image.get(), "the image name is empty"));
            }
            info.setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder()
                    .setType(Image.Type.DOCKER).setDocker(Image.Docker.newBuilder().setName(image.get()))));
        }
        return Optional.of(info.build());
    }

    private static Volume volume(String flag) throws UsageException {
        String[] parts = flag.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new UsageException(bad("volume", flag, "expected HOST:CONTAINER[:ro|rw]"));
        }
        Volume.Mode mode = Volume.Mode.RW;
        if (parts.length == 3) {
            mode = switch (parts[2]) {
                case "ro" -> Volume.Mode.RO;
                case "rw" -> Volume.Mode.RW;
                default -> throw new UsageException(bad("volume", flag, "the mode must be 'ro' or 'rw'"));
            };
        }
        return Volume.newBuilder().setHostPath(parts[0]).setContainerPath(parts[1]).setMode(mode).build();
    }

    private static Optional<String> single(Invocation invocation, String flag) throws UsageException {
        List<String> values = invocation.commandFlags().getOrDefault(flag, List.of());
        if (values.size() > 1) {
            throw new UsageException("Flag '--" + flag + "' may be given only once, got " + values.size() + " values");
        }
        return values.stream().findFirst();
    }

    private static String bad(String flag, String value, String why) {
        return "Invalid value for --" + flag + " '" + value + "': " + why;
    }

    /** A bad task flag: printed as is, exit status 2. */
    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
