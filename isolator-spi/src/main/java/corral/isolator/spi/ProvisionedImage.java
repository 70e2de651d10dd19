package corral.isolator.spi;

import corral.isolator.spi.docker.ImageManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ImageProvisioner#provision} made: the container's root filesystem and what the image
 * says about running it. Immutable and thread-safe.
 *
 * @param rootfs the absolute host path of the container's root filesystem, ready to be entered
 * @param dockerManifest the image's Docker manifest ({@code config} carries Entrypoint, Cmd, Env,
 *     WorkingDir, User), or empty for other image types
 * @param ephemeralVolumes host directories that receive the container's writes to its root
 *     filesystem (an overlay upper directory), for disk accounting; possibly empty
 */
public record ProvisionedImage(Path rootfs, Optional<ImageManifest> dockerManifest, List<Path> ephemeralVolumes) {

    /** Checks the paths and copies the list. */
    public ProvisionedImage {
        Objects.requireNonNull(rootfs, "rootfs");
        Objects.requireNonNull(dockerManifest, "dockerManifest");
        if (!rootfs.isAbsolute()) {
            throw new IllegalArgumentException("rootfs must be absolute: " + rootfs);
        }
        ephemeralVolumes = List.copyOf(ephemeralVolumes);
    }
}
