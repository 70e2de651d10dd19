package corral.isolator.spi;

/**
 * The version of this SPI.
 *
 * <p>The major version changes when a change would break isolators compiled against the previous
 * one; the agent refuses a provider whose {@link IsolatorProvider#spiVersion()} is newer than its own
 * major version. Thread-safe: constants only.
 */
public final class Spi {

    /**
     * The SPI major version this module implements. Providers return it from
     * {@link IsolatorProvider#spiVersion()} so that javac inlines the value they were compiled with.
     */
    public static final int MAJOR_VERSION = 1;

    private Spi() {
    }
}
