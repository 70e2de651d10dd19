package corral.isolator.namespaces.pid;

import com.typesafe.config.ConfigException;
import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code namespaces/pid}: each container gets its own pid namespace, with a fresh {@code /proc}. */
public final class PidNamespaceProvider implements IsolatorProvider {

    @Override
    public String id() {
        return "namespaces/pid";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public String description() {
        return "Runs each container in its own pid namespace with its own /proc.";
    }

    @Override
    public Creation create(IsolatorContext context) {
        PidNamespaceSettings settings;
        try {
            settings = PidNamespaceSettings.from(context.config());
        } catch (ConfigException e) {
            return Creation.unavailable(e.getMessage());
        }
        if (!context.isRoot()) {
            return Creation.unavailable("The pid namespace isolator requires root permissions");
        }
        if (!Files.exists(Path.of("/proc/self/ns/pid"))) {
            return Creation.unavailable("Pid namespaces are not supported by this kernel");
        }
        return Creation.ready(new PidNamespaceIsolator(settings));
    }
}
