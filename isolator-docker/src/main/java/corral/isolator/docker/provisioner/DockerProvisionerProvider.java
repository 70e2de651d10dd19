package corral.isolator.docker.provisioner;

import com.typesafe.config.ConfigException;
import corral.isolator.docker.store.DockerSettings;
import corral.isolator.docker.store.DockerStore;
import corral.isolator.spi.ImageProvisioner;
import corral.isolator.spi.ImageProvisionerProvider;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.Spi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Provides the {@code docker} image provisioner. Stateless. */
public final class DockerProvisionerProvider implements ImageProvisionerProvider {

    @Override
    public String type() {
        return "docker";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public ImageProvisioner create(IsolatorContext context) {
        DockerSettings settings;
        try {
            settings = DockerSettings.from(context.config());
        } catch (ConfigException e) {
            throw new IsolatorException(e.getMessage(), e); // the SPI's one exception for the operator
        }
        return create(context, settings);
    }

    /**
     * @param context the agent's context
     * @param settings the docker settings
     * @return the provisioner
     * @throws IsolatorException for a remote registry, an unusable backend or store
     */
    public static DockerProvisioner create(IsolatorContext context, DockerSettings settings) {
        Path registry = settings.registry().orElseThrow(() -> new IsolatorException(
                "Corral has no registry puller: --docker_registry must be a local directory of image archives"
                        + " (an absolute path), not '" + settings.registryText() + "'"));
        if (!Files.isDirectory(registry)) {
            throw new IsolatorException("--docker_registry '" + registry + "' is not a directory");
        }
        boolean overlay = overlaySupported();
        Backend backend = switch (settings.backend()) {
            case "overlay" -> {
                if (!context.isRoot() || !overlay) {
                    throw new IsolatorException("The specified provisioner backend 'overlay' is not supported: "
                            + (context.isRoot() ? "the kernel has no overlay file system" : "it requires root"));
                }
                yield new OverlayBackend();
            }
            case "copy" -> new CopyBackend(context.isRoot());
            default -> context.isRoot() && overlay ? new OverlayBackend() : new CopyBackend(context.isRoot());
        };
        try {
            DockerStore store = new DockerStore(settings.storeDir(), registry, settings.setuid(), context.isRoot());
            return new DockerProvisioner(store, context.workDir().resolve("provisioner"), backend, context.isRoot());
        } catch (IOException e) {
            throw new IsolatorException("Failed to create the docker image store at '" + settings.storeDir() + "': "
                    + e.getMessage(), e);
        }
    }

    private static boolean overlaySupported() {
        try {
            return Files.readAllLines(Path.of("/proc/filesystems")).stream().anyMatch(l -> l.endsWith("\toverlay"));
        } catch (IOException e) {
            return false;
        }
    }
}
