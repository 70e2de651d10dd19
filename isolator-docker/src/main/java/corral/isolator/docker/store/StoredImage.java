package corral.isolator.docker.store;

import corral.isolator.spi.docker.ImageManifest;
import java.util.List;

/**
 * An image whose layers are all in the store.
 *
 * @param reference the name it was asked for by
 * @param id the image id: the digest of its configuration, {@code sha256:<hex>}
 * @param manifest the image's configuration as Mesos's Docker manifest ({@code config} holds
 *     Entrypoint, Cmd, Env, WorkingDir, User)
 * @param layers its layers, lowest first
 */
public record StoredImage(ImageReference reference, String id, ImageManifest manifest, List<StoredLayer> layers) {

    /** Copies the list. */
    public StoredImage {
        layers = List.copyOf(layers);
    }
}
