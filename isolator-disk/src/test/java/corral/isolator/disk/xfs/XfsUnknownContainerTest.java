package corral.isolator.disk.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import corral.isolator.disk.DiskSettings;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.Value;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** disk/xfs with containers it does not know, and bad input: Mesos's answers, and nothing changed. */
class XfsUnknownContainerTest {

    @TempDir
    Path work;

    private XfsIsolator isolator() {
        return new XfsIsolator(new DiskSettings(true, Duration.ofSeconds(15), "[5000-5009]", false, 10 << 20),
                work, "/dev/nonexistent", new ProjectIds(ProjectRange.parse("[5000-5009]")));
    }

    private static ContainerID id(String v) {
        return ContainerID.newBuilder().setValue(v).build();
    }

    @Test
    void unknownContainersAreIgnoredAsMesosDoes() {
        XfsIsolator isolator = isolator();
        assertFalse(isolator.watch(id("ghost")).toCompletableFuture().isDone(), "a pending watch, not a failure");
        isolator.update(id("ghost"), List.of(), Map.of());
        ResourceStatistics.Builder stats = ResourceStatistics.newBuilder().setTimestamp(0);
        isolator.usage(id("ghost"), stats);
        assertEquals(ResourceStatistics.newBuilder().setTimestamp(0).build(), stats.build(), "empty statistics");
        isolator.cleanup(id("ghost"));
        assertEquals(10, isolator.projectIdsFree());
    }

    @Test
    void aBadDiskResourceFailsBeforeAnIdIsTaken() throws Exception {
        XfsIsolator isolator = isolator();
        Path sandbox = Files.createDirectories(work.resolve("sandboxes/bad"));
        ContainerConfig config = ContainerConfig.newBuilder().setDirectory(sandbox.toString())
                .setCommandInfo(CommandInfo.newBuilder().setValue("true"))
                .addResources(Resource.newBuilder().setName("disk").setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(-3)))
                .build();
        IsolatorException e = assertThrows(IsolatorException.class, () -> isolator.prepare(id("bad"), config));
        assertEquals("Invalid resource 'disk': expected a positive scalar (MB), got -3", e.getMessage());
        assertEquals(10, isolator.projectIdsFree());
    }
}
