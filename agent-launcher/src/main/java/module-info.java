/**
 * The Corral agent: configuration and flags, isolator discovery and validation, the containerizer
 * and its launchers, checkpoints and recovery, the HTTP API, the CLI and the built-in
 * {@code posix/*} isolators.
 *
 * @uses corral.isolator.spi.IsolatorProvider
 * @uses corral.isolator.spi.ImageProvisionerProvider
 */
module corral.agent {
    // its exported API (the embeddable containerizer) speaks in SPI and protobuf types
    requires transitive corral.isolator.spi;
    requires corral.bindings;
    requires corral.isolator.cgroups;
    requires jdk.httpserver;
    requires java.net.http;
    requires jdk.unsupported;

    // what an agent embedding Corral as a library uses: the containerizer, the launcher choice and
    // the checkpoints it may hand the containerizer
    exports corral.agent.containerizer;
    exports corral.agent.launcher;
    exports corral.agent.checkpoint;
    exports corral.agent.config;
    exports corral.agent.discovery;
    exports corral.agent.http.v1;

    uses corral.isolator.spi.IsolatorProvider;
    uses corral.isolator.spi.ImageProvisionerProvider;

    provides corral.isolator.spi.IsolatorProvider with
            corral.agent.isolators.posix.PosixCpuProvider,
            corral.agent.isolators.posix.PosixMemProvider;
}
