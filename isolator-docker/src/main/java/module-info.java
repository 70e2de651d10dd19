/**
 * Docker images for Corral: the local image store ({@code corral.isolator.docker.store}), the
 * provisioner that makes a container's root filesystem from an image
 * ({@code corral.isolator.docker.provisioner}), and the {@code docker/runtime} isolator
 * ({@code corral.isolator.docker.runtime}). See docs/images.md and docs/isolators/docker-runtime.md.
 *
 * @provides corral.isolator.spi.IsolatorProvider {@code docker/runtime}
 * @provides corral.isolator.spi.ImageProvisionerProvider {@code docker}
 */
module corral.isolator.docker {
    requires corral.isolator.spi;
    requires corral.bindings;
    requires com.google.protobuf.util;

    // nothing exported: the agent finds both providers by ServiceLoader and uses them through the SPI

    provides corral.isolator.spi.IsolatorProvider with corral.isolator.docker.runtime.DockerRuntimeProvider;
    provides corral.isolator.spi.ImageProvisionerProvider
            with corral.isolator.docker.provisioner.DockerProvisionerProvider;
}
