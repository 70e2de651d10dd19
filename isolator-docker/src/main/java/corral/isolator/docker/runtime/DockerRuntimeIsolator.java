package corral.isolator.docker.runtime;

import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.Environment;
import corral.isolator.spi.docker.ImageManifest;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * {@code docker/runtime}: applies a Docker image's Entrypoint, Cmd, Env and WorkingDir to the
 * container that runs it, as Mesos does (see {@link LaunchCommand} for the command table). It
 * declares environment, working directory and command in the launch info; the containerizer
 * merges the environment under {@code CommandInfo.environment} and the launcher creates the working
 * directory inside the root filesystem when it is missing. Stateless and thread-safe.
 */
public final class DockerRuntimeIsolator implements Isolator {

    private static final System.Logger LOG = System.getLogger(DockerRuntimeIsolator.class.getName());

    private final boolean ignoreRuntime;

    /** @param ignoreRuntime {@code docker_ignore_runtime}: declare nothing */
    public DockerRuntimeIsolator(boolean ignoreRuntime) {
        this.ignoreRuntime = ignoreRuntime;
    }

    @Override
    public boolean supportsNesting() {
        return true;
    }

    @Override
    public boolean supportsStandalone() {
        return true;
    }

    @Override
    public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        if (ignoreRuntime || !config.hasContainerInfo()) {
            return Optional.empty();
        }
        if (config.getContainerInfo().getType() != ContainerInfo.Type.MESOS) {
            throw new IsolatorException("Can only prepare docker runtime for a MESOS container");
        }
        if (!config.hasDocker() || !config.getDocker().hasManifest()) {
            return Optional.empty();
        }
        ImageManifest.Config image = config.getDocker().getManifest().getConfig();
        ContainerLaunchInfo.Builder launch = ContainerLaunchInfo.newBuilder();

        Environment.Builder environment = Environment.newBuilder();
        for (String entry : image.getEnvList()) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                LOG.log(Level.DEBUG, "Skipping image environment entry '" + entry + "' without a name=value form");
                continue;
            }
            environment.addVariablesBuilder().setName(entry.substring(0, eq)).setValue(entry.substring(eq + 1))
                    .setType(Environment.Variable.Type.VALUE);
        }
        if (environment.getVariablesCount() > 0) {
            launch.setEnvironment(environment);
        }
        if (!image.getWorkingDir().isEmpty()) {
            launch.setWorkingDirectory(image.getWorkingDir());
        }
        if (!image.getUser().isEmpty()) {
            LOG.log(Level.WARNING, "Container user '" + image.getUser() + "' is not supported yet for container "
                    + containerId.getValue());
        }
        CommandInfo command = config.hasTaskInfo() && config.getTaskInfo().hasCommand()
                ? config.getTaskInfo().getCommand() : config.getCommandInfo();
        LaunchCommand.resolve(command, image.getEntrypointList(), image.getCmdList()).ifPresent(launch::setCommand);
        return Optional.of(launch.build());
    }
}
