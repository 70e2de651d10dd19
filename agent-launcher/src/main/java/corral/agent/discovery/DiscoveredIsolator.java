package corral.agent.discovery;

import corral.isolator.spi.IsolatorProvider;

/**
 * A provider the agent found and accepted (its id is valid and its SPI version compatible).
 *
 * @param id the isolator id, such as {@code disk/xfs}
 * @param version the version of the providing module, from its descriptor
 * @param module the JPMS module name
 * @param origin built-in (boot layer) or plugin ({@code --modules_dir})
 * @param description the provider's one-line description
 * @param location the jar or directory the module was loaded from
 * @param provider the provider instance
 */
public record DiscoveredIsolator(String id, String version, String module, Origin origin, String description,
        String location, IsolatorProvider provider) {
}
