package corral.isolator.spi;

import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Image;
import java.util.Map;
import java.util.Set;

/**
 * Turns a container's image into a root filesystem on the host, as Mesos's provisioner does in the
 * {@code PROVISIONING} state: the containerizer calls {@link #provision} after creating the
 * container's runtime directory and before any isolator's {@code prepare}, and puts the result into
 * the {@code ContainerConfig} ({@code rootfs}, {@code docker.manifest}, {@code ephemeral_volumes}).
 * After the container's processes are gone and every isolator's {@code cleanup} ran, it calls
 * {@link #destroy}.
 *
 * <p>The root filesystem is made in the agent's mount namespace (for example an overlay mount);
 * entering it (bind mounts, {@code pivot_root}) is the launcher's job, driven by the
 * {@code filesystem/linux} isolator's mounts and the launch info's {@code rootfs}.
 *
 * <p><b>Threads.</b> Methods may block (an image's layers may have to be extracted first) and may be
 * called concurrently for different containers; calls for one container never overlap.
 *
 * <p><b>Errors.</b> A method that cannot do its job throws {@link IsolatorException} with a message
 * for the operator naming the image and what was wrong; nothing half-made is left behind.
 */
public interface ImageProvisioner {

    /**
     * Makes a root filesystem for one container from an image.
     *
     * @param containerId the container; one root filesystem per container
     * @param image the image of {@code ContainerInfo.mesos.image}, of this provisioner's type
     * @return the root filesystem and what the image says about running it
     * @throws IsolatorException when the image cannot be found, read or trusted
     */
    ProvisionedImage provision(ContainerID containerId, Image image);

    /**
     * Removes the container's root filesystem (unmounting it first). A no-op for a container that
     * has none.
     *
     * @param containerId the container
     * @return whether there was a root filesystem to remove
     * @throws IsolatorException when it cannot be unmounted or removed
     */
    boolean destroy(ContainerID containerId);

    /**
     * Rebuilds state after an agent restart and removes the root filesystems of containers the
     * agent no longer knows (orphans). Called once, before any other method but after the
     * isolators' {@code recover}.
     *
     * @param known the containers the agent keeps; every other provisioned container is destroyed
     * @throws IsolatorException when an orphan's root filesystem cannot be removed
     */
    void recover(Set<ContainerID> known);

    /**
     * Agent-wide gauges this provisioner publishes in {@code /metrics/snapshot} (and
     * {@code /metrics}), such as how many layers its store has extracted. Read afresh on each
     * request, at any time and concurrently with every other method, so it must be cheap and must
     * not block; empty by default.
     *
     * @return metric name to value
     */
    default Map<String, Double> metrics() {
        return Map.of();
    }
}
