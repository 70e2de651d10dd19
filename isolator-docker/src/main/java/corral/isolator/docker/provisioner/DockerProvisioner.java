package corral.isolator.docker.provisioner;

import corral.isolator.docker.store.DockerStore;
import corral.isolator.docker.store.FileTrees;
import corral.isolator.docker.store.ImageReference;
import corral.isolator.docker.store.StoredImage;
import corral.isolator.spi.ImageProvisioner;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.MesosJson;
import corral.isolator.spi.ProvisionedImage;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Image;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The docker image provisioner: gets an image's layers from the {@link DockerStore} and assembles
 * a container's root filesystem from them in {@code <work_dir>/provisioner/containers/<id>/rootfs}
 * (overlay mount, or copy). The directory also holds {@code container.json} (the container's id,
 * for recovery), {@code backend}, and the overlay's {@code upper/} and {@code work/}.
 * Thread-safe.
 */
public final class DockerProvisioner implements ImageProvisioner {

    /** The gauge of layers extracted (a layer found in the store already is not counted). */
    public static final String LAYERS_EXTRACTED = "corral/docker_store/layers_extracted";

    private static final System.Logger LOG = System.getLogger(DockerProvisioner.class.getName());
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]+");

    private final DockerStore store;
    private final Path containers;
    private final Backend backend;
    private final Backend copy;

    /**
     * @param store the image store
     * @param provisionerDir {@code <work_dir>/provisioner}
     * @param backend how root filesystems are made
     * @param chown whether copied files keep their owners (root)
     * @throws IOException when the directory cannot be created
     */
    DockerProvisioner(DockerStore store, Path provisionerDir, Backend backend, boolean chown) throws IOException {
        this.store = store;
        this.containers = provisionerDir.toAbsolutePath().normalize().resolve("containers");
        this.backend = backend;
        this.copy = new CopyBackend(chown);
        Files.createDirectories(containers);
    }

    /** @return the backend in use, {@code overlay} or {@code copy} */
    public String backend() {
        return backend.name();
    }

    /** @return the image store */
    public DockerStore store() {
        return store;
    }

    /** {@code corral/docker_store/layers_extracted}: layers this agent extracted since it started. */
    @Override
    public Map<String, Double> metrics() {
        return Map.of(LAYERS_EXTRACTED, (double) store.extractedLayers());
    }

    /**
     * @param containerId a container
     * @return its provisioner directory (which may not exist)
     */
    public Path directory(ContainerID containerId) {
        return containers.resolve(name(containerId));
    }

    @Override
    public ProvisionedImage provision(ContainerID containerId, Image image) {
        if (image.getType() != Image.Type.DOCKER || !image.hasDocker()) {
            throw new IsolatorException("Unsupported container image type: " + image.getType());
        }
        ImageReference reference;
        try {
            reference = ImageReference.parse(image.getDocker().getName());
        } catch (IllegalArgumentException e) {
            throw new IsolatorException(e.getMessage());
        }
        Path dir = directory(containerId);
        if (Files.exists(dir)) {
            throw new IsolatorException("Container " + containerId.getValue() + " already has a provisioned root"
                    + " filesystem at '" + dir + "'");
        }
        StoredImage stored = store.get(reference);
        try {
            Files.createDirectory(dir);
            Files.writeString(dir.resolve("container.json"), MesosJson.print(containerId));
            Files.writeString(dir.resolve("backend"), backend.name());
            Path rootfs = dir.resolve("rootfs");
            Files.createDirectory(rootfs);
            List<Path> ephemeral = backend.assemble(stored.layers(), dir);
            LOG.log(Level.DEBUG, "Provisioned image '" + reference + "' (" + stored.id() + ") for container "
                    + containerId.getValue() + " at " + rootfs + " with the " + backend.name() + " backend");
            return new ProvisionedImage(rootfs, Optional.of(stored.manifest()), ephemeral);
        } catch (IOException | RuntimeException e) {
            try {
                remove(dir);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IsolatorException("Failed to provision image '" + reference + "' for container "
                    + containerId.getValue() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean destroy(ContainerID containerId) {
        Path dir = directory(containerId);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try {
            remove(dir);
            return true;
        } catch (IOException e) {
            throw new IsolatorException("Failed to remove the root filesystem of container " + containerId.getValue()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void recover(Set<ContainerID> known) {
        Set<String> keep = new java.util.HashSet<>();
        for (ContainerID id : known) {
            keep.add(name(id));
        }
        List<String> failures = new ArrayList<>();
        try {
            store.removeStaging();
            try (var dirs = Files.list(containers)) {
                for (Path dir : (Iterable<Path>) dirs::iterator) {
                    if (keep.contains(dir.getFileName().toString())) {
                        continue;
                    }
                    LOG.log(Level.INFO, "Removing the root filesystem of orphan container " + dir.getFileName());
                    try {
                        remove(dir);
                    } catch (IOException e) {
                        failures.add(dir.getFileName() + ": " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            failures.add(e.getMessage());
        }
        if (!failures.isEmpty()) {
            throw new IsolatorException("Failed to recover the docker provisioner: " + String.join("; ", failures));
        }
    }

    /** Unmounts, then deletes; refuses to delete while anything is still mounted below. */
    private void remove(Path dir) throws IOException {
        String used = Files.exists(dir.resolve("backend")) ? Files.readString(dir.resolve("backend")).trim() : "";
        if (used.equals("overlay") || Mountinfo.isMountPoint(dir.resolve("rootfs"))) {
            new OverlayBackend().disassemble(dir);
        } else {
            copy.disassemble(dir);
        }
        if (Mountinfo.hasMountsUnder(dir)) {
            throw new IOException("'" + dir + "' still has mounts below it; not removing it");
        }
        FileTrees.delete(dir);
    }

    private static String name(ContainerID containerId) {
        List<String> values = new ArrayList<>();
        for (ContainerID id = containerId; id != null; id = id.hasParent() ? id.getParent() : null) {
            String value = id.getValue();
            if (!ID.matcher(value).matches() || value.equals(".") || value.equals("..")) {
                throw new IsolatorException("Invalid container id '" + value + "'");
            }
            values.add(0, value);
        }
        return String.join(".", values);
    }
}
