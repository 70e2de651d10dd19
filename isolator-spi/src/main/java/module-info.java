/**
 * The contract between the Corral agent and its isolators: what a third-party isolator compiles
 * against, and nothing else. It holds no native code and no agent internals.
 *
 * <p>An isolator module {@code provides corral.isolator.spi.IsolatorProvider with ...;} (an image
 * module {@code provides corral.isolator.spi.ImageProvisionerProvider with ...;}) and ships a
 * root-level {@code reference.conf} with its defaults under its own key prefix.
 *
 * @uses corral.isolator.spi.IsolatorProvider
 * @uses corral.isolator.spi.ImageProvisionerProvider
 */
module corral.isolator.spi {
    requires transitive com.google.protobuf;
    requires transitive typesafe.config;
    requires com.google.protobuf.util;

    exports corral.isolator.spi;
    exports corral.isolator.spi.mesos;
    exports corral.isolator.spi.mesos.slave;
    exports corral.isolator.spi.docker;

    uses corral.isolator.spi.IsolatorProvider;
    uses corral.isolator.spi.ImageProvisionerProvider;
}
