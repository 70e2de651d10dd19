package corral.agent.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import sun.misc.Signal;
import corral.agent.checkpoint.CheckpointLayout;
import corral.agent.checkpoint.Checkpointer;
import corral.agent.checkpoint.HostLeftovers;
import corral.agent.checkpoint.RecoveredContainer;
import corral.agent.checkpoint.Recovery;
import corral.agent.containerizer.Containerizer;
import corral.agent.containerizer.ContainerizerSettings;
import corral.agent.containerizer.DefaultContainerizer;
import corral.agent.containerizer.ImageProvisioners;
import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.http.Agent;
import corral.agent.http.AgentHttpServer;
import corral.agent.http.HttpSettings;
import corral.agent.http.v1.VersionInfo;
import corral.agent.launcher.Launchers;
import corral.agent.launcher.linux.LinuxLauncher;
import corral.isolator.spi.IsolatorException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/agent serve}: recovery first, then the HTTP endpoints until SIGTERM (or SIGINT), then a
 * clean stop that leaves the containers running (exit status 0).
 */
public final class ServeCommand implements Command {

    private static final System.Logger LOG = System.getLogger(ServeCommand.class.getName());

    /** How {@code serve} builds its containerizer and re-adopts the recovered containers. */
    @FunctionalInterface
    public interface ContainerizerFactory {
        /**
         * @param invocation the command line
         * @param plan the created isolators, already recovered
         * @param checkpointer where the containerizer checkpoints each container
         * @param recovered the containers found at start-up: the containerizer re-adopts the
         *     {@code RUNNING} and {@code EXITED} ones (the latter it destroys at once, reporting the exit
         *     status the container recorded); {@code TERMINATED} ones stay with the API
         * @return the containerizer
         */
        Containerizer create(Invocation invocation, IsolatorPlan plan, Checkpointer checkpointer,
                List<RecoveredContainer> recovered);
    }

    private final ContainerizerFactory factory;

    /** The command with the agent's own containerizer. */
    public ServeCommand() {
        this(ServeCommand::defaultContainerizer);
    }

    /** @param factory how to build the containerizer */
    public ServeCommand(ContainerizerFactory factory) {
        this.factory = factory;
    }

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "Run the long-lived agent: recover containers, then serve the HTTP API.";
    }

    @Override
    public int run(Invocation invocation) {
        Config config = invocation.config();
        HttpSettings settings;
        try {
            settings = HttpSettings.from(config);
            ContainerizerSettings.from(config); // a bad value stops the agent before recovery touches anything
        } catch (IllegalArgumentException e) {
            invocation.err().println(e.getMessage());
            return 1;
        } catch (com.typesafe.config.ConfigException e) {
            invocation.err().println(corral.agent.config.ConfigurationException.describe(e));
            return 1;
        }
        Path workDir = Path.of(config.getString("corral.agent.work_dir"));
        Path runtimeDir = Path.of(config.getString("corral.agent.runtime_dir"));
        String cgroupsRoot = Launchers.cgroupsRoot(config);
        try {
            Files.createDirectories(ContainerizerSettings.sandboxes(workDir));
            Files.createDirectories(runtimeDir.resolve("containers"));
        } catch (IOException e) {
            invocation.err().println("cannot create the agent's directories: " + e);
            return 1;
        }

        RuntimeDirLock lock;
        try {
            lock = RuntimeDirLock.acquire(runtimeDir, true); // before recovery touches anything
        } catch (StartupException e) {
            e.problems().forEach(invocation.err()::println);
            return 1;
        }
        AgentHttpServer server;
        try {
            server = new AgentHttpServer(settings); // a taken port is reported before recovery touches anything
        } catch (IOException e) {
            lock.close();
            invocation.err().println("Failed to listen on " + settings.ip() + ":" + settings.port() + ": " + e.getMessage());
            return 1;
        }
        try (lock) {
            return serve(invocation, settings, server, workDir, runtimeDir, cgroupsRoot);
        } finally {
            server.close();
        }
    }

    private int serve(Invocation invocation, HttpSettings settings, AgentHttpServer server, Path workDir,
            Path runtimeDir, String cgroupsRoot) {
        Config config = invocation.config();
        IsolatorPlan plan = invocation.createIsolators();
        CheckpointLayout layout = new CheckpointLayout(runtimeDir);
        Checkpointer checkpointer = new Checkpointer(layout);
        Recovery.Result recovered;
        try {
            recovered = new Recovery(layout, workDir, cgroupsRoot, plan.isolators(), new HostLeftovers()).recover();
        } catch (Recovery.RecoveryException e) {
            invocation.err().println(e.getMessage());
            invocation.err().println("If recovery keeps failing, remove " + layout.containersDir()
                    + " to start afresh (running containers are then lost to the agent).");
            return 1;
        } catch (IOException e) {
            invocation.err().println("Failed to perform recovery: " + e);
            return 1;
        }
        recovered.problems().forEach(p -> invocation.err().println("recovery: " + p));

        Containerizer containerizer;
        try {
            containerizer = factory.create(invocation, plan, checkpointer, recovered.containers());
        } catch (com.typesafe.config.ConfigException e) {
            invocation.err().println(corral.agent.config.ConfigurationException.describe(e));
            return 1;
        } catch (IllegalArgumentException e) {
            invocation.err().println(e.getMessage());
            return 1;
        }
        Agent agent = new Agent(containerizer, checkpointer, workDir, new Agent.AgentInfo(agentId(runtimeDir),
                hostname(), System.currentTimeMillis() / 1000.0, flags(config), version(),
                plan.isolators().stream().map(PlannedIsolator::isolator).toList()));
        recovered.containers().forEach(agent::recovered);
        LOG.log(Level.INFO, "recovered " + recovered.containers().size() + " containers, destroyed "
                + recovered.orphans().size() + " orphans");

        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        server.start(agent);
        invocation.out().println("Corral agent listening on http://" + server.address().getHostString() + ":"
                + server.address().getPort());
        invocation.out().flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        containerizer.close();
        Launchers.removeEmptyCgroupRoots(config);
        return 0;
    }

    private static Containerizer defaultContainerizer(Invocation invocation, IsolatorPlan plan,
            Checkpointer checkpointer, List<RecoveredContainer> recovered) {
        ContainerizerSettings settings = ContainerizerSettings.from(invocation.config());
        ImageProvisioners images;
        try {
            images = ImageProvisioners.create(invocation.config(), settings,
                    plan.isolators().stream().map(PlannedIsolator::id).toList(), LinuxLauncher.available());
        } catch (IsolatorException e) {
            throw new StartupException(List.of(e.getMessage()));
        }
        // Mesos: provisioner recovery after the isolators'; root filesystems of unknown containers go
        try {
            images.recover(recovered.stream().filter(r -> r.kind() != RecoveredContainer.Kind.TERMINATED)
                    .map(RecoveredContainer::containerId).collect(java.util.stream.Collectors.toSet()));
        } catch (IsolatorException e) {
            throw new StartupException(List.of("Failed to perform recovery: " + e.getMessage()));
        }
        DefaultContainerizer containerizer = new DefaultContainerizer(settings, plan,
                Launchers.select(invocation.config()), images, checkpointer);
        containerizer.adopt(recovered, Launchers.cgroupsRoot(invocation.config()));
        return containerizer;
    }

    /** @return every flag (each module's keys under {@code corral.<module>}) with its value */
    static Map<String, String> flags(Config config) {
        Map<String, String> flags = new TreeMap<>();
        if (!config.hasPath("corral")) {
            return flags;
        }
        for (Map.Entry<String, ConfigValue> module : config.getObject("corral").entrySet()) {
            if (!(module.getValue() instanceof ConfigObject object)) {
                continue;
            }
            for (Map.Entry<String, ConfigValue> flag : object.toConfig().entrySet()) {
                ConfigValue v = flag.getValue();
                String text = v.valueType() == ConfigValueType.STRING ? (String) v.unwrapped() : v.render();
                flags.putIfAbsent(flag.getKey(), text);
            }
        }
        return flags;
    }

    private static VersionInfo version() {
        Properties pom = new Properties();
        try (InputStream in = ServeCommand.class.getModule()
                .getResourceAsStream("META-INF/maven/dev.corral/agent-launcher/pom.properties")) {
            if (in != null) {
                pom.load(in);
            }
        } catch (IOException e) {
            // the version stays unknown
        }
        return VersionInfo.newBuilder().setVersion(pom.getProperty("version", "unknown"))
                .setBuildUser(System.getProperty("user.name", "")).build();
    }

    private static String agentId(Path runtimeDir) {
        Path file = runtimeDir.resolve("agent_id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            String id = UUID.randomUUID() + "-S0";
            corral.agent.checkpoint.AtomicFiles.write(file, id.getBytes(StandardCharsets.US_ASCII));
            return id;
        } catch (IOException e) {
            return UUID.randomUUID() + "-S0";
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
