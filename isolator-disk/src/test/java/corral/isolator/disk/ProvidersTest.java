package corral.isolator.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import corral.isolator.testkit.TestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The module's providers, found as the agent finds them, and its settings. */
class ProvidersTest {

    @Test
    void theAgentFindsDiskDuAndDiskXfs() {
        getClass().getModule().addUses(IsolatorProvider.class);
        Map<String, IsolatorProvider> found = new TreeMap<>();
        ServiceLoader.load(IsolatorProvider.class).forEach(p -> found.put(p.id(), p));
        assertTrue(found.keySet().containsAll(java.util.List.of("disk/du", "disk/xfs")), found.keySet().toString());
        found.values().forEach(p -> assertEquals(Spi.MAJOR_VERSION, p.spiVersion()));
        Creation du = found.get("disk/du").create(TestContext.of(Path.of("/var/tmp"), Map.of(), "disk/du"));
        assertTrue(du.isolator().isPresent(), du.toString());
    }

    @Test
    void defaultsComeFromReferenceConfAndFlagsOverrideThem() {
        DiskSettings defaults = DiskSettings.from(TestContext.of(Path.of("/var/tmp"), Map.of()).config());
        assertEquals(new DiskSettings(false, Duration.ofSeconds(15), "[5000-10000]", false, 10L << 20), defaults);
        DiskSettings set = DiskSettings.from(TestContext.of(Path.of("/var/tmp"), Map.of(
                "corral.disk.container_disk_watch_interval", "500ms", "corral.disk.xfs_quota_headroom", "1GB")).config());
        assertEquals(Duration.ofMillis(500), set.watchInterval());
        assertEquals(1L << 30, set.xfsQuotaHeadroomBytes());
        Creation bad = new corral.isolator.disk.du.DuProvider().create(TestContext.of(Path.of("/var/tmp"),
                Map.of("corral.disk.container_disk_watch_interval", "soon")));
        assertTrue(bad.unavailableReason().orElseThrow().contains("container_disk_watch_interval"), bad.toString());
    }
}
