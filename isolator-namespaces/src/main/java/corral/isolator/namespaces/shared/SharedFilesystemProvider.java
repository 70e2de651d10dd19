package corral.isolator.namespaces.shared;

import corral.isolator.namespaces.pid.PidNamespaceProvider;
import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code filesystem/shared}: the host filesystem, with volumes bind-mounted in a private mount namespace. */
public final class SharedFilesystemProvider implements IsolatorProvider {

    @Override
    public String id() {
        return "filesystem/shared";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public String description() {
        return "Shares the host filesystem, with the container's volumes bind-mounted in its own mount namespace.";
    }

    @Override
    public Creation create(IsolatorContext context) {
        if (!context.isRoot()) {
            return Creation.unavailable("The 'filesystem/shared' isolator requires root privileges");
        }
        if (PidNamespaceProvider.posixLauncher(context)) {
            // Mesos lets this start and fails every launch ("Subprocess launcher does not support
            // cloning namespaces"); refusing at start-up says it once
            return Creation.unavailable("The 'filesystem/shared' isolator requires the 'linux' launcher");
        }
        if (!Files.exists(Path.of("/proc/self/ns/mnt"))) {
            return Creation.unavailable("The 'filesystem/shared' isolator requires mount namespace support");
        }
        return Creation.ready(new SharedFilesystemIsolator());
    }
}
