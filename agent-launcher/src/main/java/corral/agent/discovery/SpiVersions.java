package corral.agent.discovery;

import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import java.lang.module.ModuleDescriptor;
import java.util.Optional;

/** Which SPI versions the running agent accepts from a plugin. */
final class SpiVersions {

    static final String SPI_MODULE = IsolatorProvider.class.getModule().getName();

    private SpiVersions() {
    }

    /** @return the running SPI module's version, when the module carries one */
    static Optional<String> runtimeVersion() {
        ModuleDescriptor d = IsolatorProvider.class.getModule().getDescriptor();
        return d == null ? Optional.empty() : d.rawVersion();
    }

    /** @return the running SPI's major version: from its module version, else {@link Spi#MAJOR_VERSION} */
    static int runtimeMajor() {
        return runtimeVersion().flatMap(SpiVersions::major).orElse(Spi.MAJOR_VERSION);
    }

    /**
     * Checks what a plugin module's descriptor says it was compiled against, before any of its
     * classes is loaded.
     *
     * @param plugin the plugin's descriptor
     * @return why it is refused, or empty when it is compatible (or recorded no version)
     */
    static Optional<String> checkDescriptor(ModuleDescriptor plugin) {
        for (ModuleDescriptor.Requires r : plugin.requires()) {
            if (!r.name().equals(SPI_MODULE)) {
                continue;
            }
            Optional<String> compiled = r.rawCompiledVersion();
            Optional<Integer> compiledMajor = compiled.flatMap(SpiVersions::major);
            if (compiledMajor.isPresent() && compiledMajor.get() != runtimeMajor()) {
                return Optional.of("module '" + plugin.name() + "' was compiled against " + SPI_MODULE + " "
                        + compiled.get() + " (SPI major " + compiledMajor.get() + ") but this agent has " + SPI_MODULE
                        + " " + runtimeVersion().orElse(String.valueOf(Spi.MAJOR_VERSION)) + " (SPI major "
                        + runtimeMajor() + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * @param provider an instantiated provider
     * @param module its module name
     * @return why it is refused, or empty when its {@code spiVersion()} is supported
     */
    static Optional<String> checkProvider(IsolatorProvider provider, String module) {
        int declared = provider.spiVersion();
        if (declared > Spi.MAJOR_VERSION) {
            return Optional.of("provider " + provider.getClass().getName() + " in module '" + module
                    + "' needs SPI major version " + declared + " but this agent implements SPI major version "
                    + Spi.MAJOR_VERSION + " (" + SPI_MODULE + " " + runtimeVersion().orElse("unversioned") + ")");
        }
        return Optional.empty();
    }

    static Optional<Integer> major(String version) {
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? Optional.empty() : Optional.of(Integer.parseInt(version.substring(0, end)));
    }
}
