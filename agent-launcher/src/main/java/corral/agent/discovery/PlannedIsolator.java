package corral.agent.discovery;

import corral.isolator.spi.Isolator;

/**
 * One created isolator, in its place in the plan.
 *
 * @param id the isolator id, such as {@code disk/xfs}
 * @param version the version of the module that provides it
 * @param module the JPMS module name
 * @param origin built-in or plugin
 * @param description what it contributes
 * @param isolator the created isolator
 */
public record PlannedIsolator(String id, String version, String module, Origin origin, String description,
        Isolator isolator) {
}
