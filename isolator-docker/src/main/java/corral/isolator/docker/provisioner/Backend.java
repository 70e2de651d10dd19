package corral.isolator.docker.provisioner;

import corral.isolator.docker.store.StoredLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** How a container's root filesystem is made from stored layers. Implementations are thread-safe. */
interface Backend {

    /** @return the name operators give in {@code image_provisioner_backend} */
    String name();

    /**
     * Makes {@code container/rootfs} from the layers.
     *
     * @param layers the image's layers, lowest first
     * @param container the container's provisioner directory, holding an empty {@code rootfs}
     * @return the directories that receive the container's writes (for disk accounting)
     * @throws IOException naming the call and path that failed
     */
    List<Path> assemble(List<StoredLayer> layers, Path container) throws IOException;

    /**
     * Undoes {@link #assemble} for a container, before its directory is removed: unmounts what it
     * mounted. Must succeed for a container that was never (or only partly) assembled.
     *
     * @param container the container's provisioner directory
     * @throws IOException naming the call and path that failed
     */
    void disassemble(Path container) throws IOException;
}
