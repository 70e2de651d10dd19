package corral.isolator.disk.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import corral.isolator.spi.Creation;
import corral.isolator.testkit.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** disk/xfs refuses a work dir it cannot account, with Mesos's messages. Runs on the host kernel. */
class XfsCreationTest {

    private static Creation create(Path workDir) {
        return new XfsProvider().create(TestContext.of(workDir, Map.of(), "disk/xfs"));
    }

    @Test
    void refusesAWorkDirThatIsNotOnXfs() throws Exception {
        Path workDir = Files.createTempDirectory("corral-disk-notxfs");
        try {
            Creation c = create(workDir);
            assertEquals("'" + workDir + "' is not an XFS filesystem", c.unavailableReason().orElseThrow());
            Creation proc = create(Path.of("/proc"));
            assertEquals("'/proc' is not an XFS filesystem", proc.unavailableReason().orElseThrow());
        } finally {
            Files.delete(workDir);
        }
    }

    @Test
    void refusesAnXfsMountedWithoutProjectQuota() throws Exception {
        try (LoopXfs xfs = LoopXfs.mount("defaults")) {
            Path workDir = xfs.mountPoint().resolve("agent");
            Creation c = create(workDir);
            assertEquals("XFS project quotas are not enabled on '" + workDir + "'", c.unavailableReason().orElseThrow());
            assertEquals(false, Files.exists(workDir), "creation changes nothing");
        }
    }
}
