package corral.isolator.docker.runtime;

import com.typesafe.config.ConfigException;
import corral.isolator.docker.store.DockerSettings;
import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;

/** Provides {@code docker/runtime}. Stateless. */
public final class DockerRuntimeProvider implements IsolatorProvider {

    @Override
    public String id() {
        return "docker/runtime";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public Creation create(IsolatorContext context) {
        DockerSettings settings;
        try {
            settings = DockerSettings.from(context.config());
        } catch (ConfigException e) {
            return Creation.unavailable(e.getMessage());
        }
        return Creation.ready(new DockerRuntimeIsolator(settings.ignoreRuntime()));
    }

    @Override
    public String description() {
        return "Runs a Docker image's Entrypoint and Cmd with its Env and WorkingDir.";
    }
}
