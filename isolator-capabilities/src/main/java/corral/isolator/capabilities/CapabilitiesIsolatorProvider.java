package corral.isolator.capabilities;

import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Provides {@code linux/capabilities}. Needs root and {@code CAP_SETPCAP} in the agent's effective
 * set (the launcher drops capabilities from the bounding set). Stateless.
 */
public final class CapabilitiesIsolatorProvider implements IsolatorProvider {

    private static final int CAP_SETPCAP = 8;

    @Override
    public String id() {
        return "linux/capabilities";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public String description() {
        return "Limits a container's effective and bounding capability sets.";
    }

    @Override
    public Creation create(IsolatorContext context) {
        CapabilitiesSettings settings;
        try {
            settings = CapabilitiesSettings.from(context.config());
        } catch (IllegalArgumentException e) {
            return Creation.unavailable(e.getMessage());
        }
        if (settings.effective() != null && settings.bounding() != null
                && !settings.effective().isSubsetOf(settings.bounding())) {
            return Creation.unavailable("Allowed capabilities are not a subset of the bounding capabilites");
        }
        if (!context.isRoot()) {
            return Creation.unavailable("Linux capabilities isolator requires root permissions");
        }
        long effective;
        int lastCapability;
        try {
            effective = capEff(Files.readString(Path.of("/proc/self/status")));
            lastCapability = lastCapability();
        } catch (IOException | RuntimeException e) {
            return Creation.unavailable("Failed to initialize capabilities: " + e.getMessage());
        }
        if ((effective & (1L << CAP_SETPCAP)) == 0) {
            return Creation.unavailable("Linux capabilities isolator requires the CAP_SETPCAP capability, which"
                    + " the agent lacks (CapEff " + Long.toHexString(effective) + ")");
        }
        return Creation.ready(new CapabilitiesIsolator(settings, lastCapability));
    }

    /** @return the {@code CapEff} mask of a {@code /proc/<pid>/status} text */
    static long capEff(String status) {
        return status.lines().filter(l -> l.startsWith("CapEff:")).findFirst()
                .map(l -> Long.parseUnsignedLong(l.substring("CapEff:".length()).trim(), 16))
                .orElseThrow(() -> new IllegalStateException("no CapEff line in /proc/self/status"));
    }

    private static int lastCapability() throws IOException {
        // one read() call: sysctl files answer EOF to a read at an offset > 0 (launch-path.md §5.4)
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/kernel/cap_last_cap"))) {
            byte[] buf = new byte[32];
            int n = in.read(buf);
            return Integer.parseInt(new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII).trim());
        }
    }
}
