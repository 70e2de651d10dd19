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

    exports corral.isolator.docker.store;
    exports corral.isolator.docker.provisioner;
    exports corral.isolator.docker.runtime;

    provides corral.isolator.spi.IsolatorProvider with corral.isolator.docker.runtime.DockerRuntimeProvider;
    provides corral.isolator.spi.ImageProvisionerProvider
            with corral.isolator.docker.provisioner.DockerProvisionerProvider;
}
