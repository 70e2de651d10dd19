package corral.isolator.namespaces.linuxfs;

import com.typesafe.config.ConfigException;
import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import java.nio.file.Files;
import java.nio.file.Path;

/** Provides {@code filesystem/linux}. Stateless. */
public final class LinuxFilesystemProvider implements IsolatorProvider {

    @Override
    public String id() {
        return "filesystem/linux";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public Creation create(IsolatorContext context) {
        LinuxFilesystemSettings settings;
        try {
            settings = LinuxFilesystemSettings.from(context.config());
        } catch (ConfigException e) {
            return Creation.unavailable(e.getMessage());
        }
        if (!context.isRoot()) {
            return Creation.unavailable("'filesystem/linux' isolator requires root privileges");
        }
        String launcher = "corral.agent.launcher";
        if (context.config().hasPath(launcher) && context.config().getString(launcher).equals("posix")) {
            return Creation.unavailable("'filesystem/linux' isolator requires 'linux' launcher");
        }
        if (!Files.exists(Path.of("/proc/self/ns/mnt"))) {
            return Creation.unavailable("The 'filesystem/linux' isolator requires mount namespace support");
        }
        boolean ownShm = !context.isolation().contains("namespaces/ipc");
        return Creation.ready(new LinuxFilesystemIsolator(settings, ownShm));
    }

    @Override
    public String description() {
        return "Gives each container its own mount namespace and, with an image, its root filesystem with /proc, /sys, /dev and the sandbox.";
    }
}
