package corral.isolator.docker.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One extracted, verified layer in the store, shared by every container whose image has it.
 *
 * @param digest the layer's diff id ({@code sha256:<hex>} of its uncompressed tar), its key in the store
 * @param directory {@code <docker_store_dir>/layers/<hex>}
 */
public record StoredLayer(String digest, Path directory) {

    /** @return the layer's files, without its whiteouts */
    public Path rootfs() {
        return directory.resolve("rootfs");
    }

    /**
     * @return the deletions this layer makes in the layers below it, in archive order
     * @throws IOException when the store's record cannot be read
     */
    public List<Whiteout> whiteouts() throws IOException {
        List<Whiteout> out = new ArrayList<>();
        for (String line : Files.readAllLines(directory.resolve(DockerStore.WHITEOUTS))) {
            if (!line.isEmpty()) {
                out.add(Whiteout.parse(line));
            }
        }
        return out;
    }
}
