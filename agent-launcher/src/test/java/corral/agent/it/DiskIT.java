package corral.agent.it;

import static corral.agent.it.Agent.assertNoStackTrace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import corral.isolator.spi.MesosJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** disk/du and disk/xfs through the packaged agent: a real container, a real sandbox, real du. */
class DiskIT {

    @TempDir
    Path dir;

    private Struct status(Path file) throws Exception {
        return MesosJson.parse(Files.readString(file), Struct.newBuilder()).build();
    }

    private static long number(Struct s, String field) {
        var v = s.getFieldsOrThrow(field);
        return v.hasStringValue() ? Long.parseLong(v.getStringValue()) : (long) v.getNumberValue();
    }

    @Test
    void aContainerWritingPastItsDiskIsStoppedWithTheDiskLimitation() throws Exception {
        Path statusFile = dir.resolve("s.json");
        long t0 = System.nanoTime();
        Agent.Result r = Agent.run("run", "--work_dir=" + dir.resolve("work"), "--runtime_dir=" + dir.resolve("run"),
                "--isolation=disk/du", "--enforce_container_disk_quota", "--container_disk_watch_interval=1secs",
                "--resources=disk:5", "--status_file=" + statusFile,
                "--command=dd if=/dev/zero of=big bs=1M count=20; sleep 60");
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertNoStackTrace(r);
        assertTrue(seconds < 50, "stopped by the limitation, not by the end of 'sleep 60': " + seconds + " s");
        Struct status = status(statusFile);
        assertEquals("TASK_FAILED", status.getFieldsOrThrow("state").getStringValue(), r.toString());
        assertEquals("REASON_CONTAINER_LIMITATION_DISK", status.getFieldsOrThrow("reason").getStringValue());
        String message = status.getFieldsOrThrow("message").getStringValue();
        assertTrue(message.matches("Disk usage \\([0-9]+(KB|MB)\\) exceeds quota \\(5MB\\)"), message);
        Struct limitation = status.getFieldsOrThrow("limitation").getStructValue();
        assertEquals("REASON_CONTAINER_LIMITATION_DISK", limitation.getFieldsOrThrow("reason").getStringValue());
        Struct statistics = status.getFieldsOrThrow("statistics").getStructValue();
        assertEquals(5L << 20, number(statistics, "disk_limit_bytes"));
        assertTrue(number(statistics, "disk_used_bytes") > 5L << 20, statistics.toString());
        assertTrue(r.exit() != 0, r.toString());
    }

    @Test
    void posixDiskMeasuresWithoutStoppingWhenNotEnforcing() throws Exception {
        Path statusFile = dir.resolve("s.json");
        Agent.Result r = Agent.run("run", "--work_dir=" + dir.resolve("work"), "--runtime_dir=" + dir.resolve("run"),
                "--isolation=posix/disk", "--container_disk_watch_interval=1secs", "--resources=disk:1",
                "--status_file=" + statusFile, "--command=dd if=/dev/zero of=big bs=1M count=3 2>/dev/null; sleep 3");
        assertEquals(0, r.exit(), r.toString());
        Struct statistics = status(statusFile).getFieldsOrThrow("statistics").getStructValue();
        assertEquals(1L << 20, number(statistics, "disk_limit_bytes"));
        assertTrue(number(statistics, "disk_used_bytes") >= 3L << 20, statistics.toString());
    }

    @Test
    void diskXfsRefusesAWorkDirThatIsNotXfs() {
        Path workDir = dir.resolve("work");
        Agent.Result r = Agent.run("validate", "--work_dir=" + workDir, "--isolation=disk/xfs");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("'" + workDir + "' is not an XFS filesystem"), r.toString());
        assertNoStackTrace(r);
    }
}
