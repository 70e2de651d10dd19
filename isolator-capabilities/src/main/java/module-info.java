/**
 * The {@code linux/capabilities} isolator: see docs/isolators/linux-capabilities.md.
 *
 * @provides corral.isolator.spi.IsolatorProvider {@code linux/capabilities}
 */
module corral.isolator.capabilities {
    requires corral.isolator.spi;

    provides corral.isolator.spi.IsolatorProvider
            with corral.isolator.capabilities.CapabilitiesIsolatorProvider;
}
