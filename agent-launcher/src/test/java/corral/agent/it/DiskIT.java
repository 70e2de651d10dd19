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

    /**
     * disk/xfs needs a kernel with XFS project quotas, which the CI host lacks: the packaged agent runs
     * inside User-Mode Linux ({@code uml/run.sh}, work dir on the guest's pquota XFS), twice.
     */
    @Test
    void diskXfsInAQuotaKernelFailsWritesPassivelyOrStopsTheContainerInKillMode() throws Exception {
        Path runSh = Agent.BASEDIR.getParent().resolve("uml/run.sh");
        boolean uml = Files.isExecutable(Path.of("/usr/bin/linux.uml"));
        if (!uml) {
            System.out.println("SKIPPED DiskIT disk/xfs: linux.uml is missing (apt-get install -y user-mode-linux)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(uml, "linux.uml is missing (apt-get install -y user-mode-linux)");
        // the guest hides the host's /tmp: share a directory under target/ instead
        Path shared = Files.createDirectories(Agent.BASEDIR.resolve("target")
                .resolve("uml-disk-" + java.util.UUID.randomUUID().toString().substring(0, 8)));
        String agent = Path.of(System.getProperty("java.home"), "bin", "java") + " -XX:TieredStopAtLevel=1"
                + " -XX:+UseSerialGC --module-path " + Agent.MODULES + ":" + Agent.JAR
                + " --add-modules ALL-MODULE-PATH -m corral.agent/corral.agent.Main run --work_dir=/tmp/xfs/work";
        Files.writeString(shared.resolve("agent.sh"), agent + " --runtime_dir=/tmp/r1 --isolation=disk/xfs"
                + " --enforce_container_disk_quota --resources=disk:5 --status_file=" + shared.resolve("passive.json")
                + " --command='dd if=/dev/zero of=big bs=1M count=20'\n"
                + agent + " --runtime_dir=/tmp/r2 --isolation=disk/xfs --enforce_container_disk_quota"
                + " --xfs_kill_containers --container_disk_watch_interval=1secs --resources=disk:5"
                + " --status_file=" + shared.resolve("kill.json") + " --command='dd if=/dev/zero of=big bs=1M count=12; sleep 60'\n");
        Process p = new ProcessBuilder(runSh.toString(), "-t", "240", "-l", shared.resolve("console.log").toString(),
                "--", "sh", shared.resolve("agent.sh").toString()).directory(shared.toFile())
                .redirectErrorStream(true).redirectOutput(shared.resolve("run.out").toFile()).start();
        if (!p.waitFor(270, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroy();
            p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS);
        }
        String console = Files.readString(shared.resolve("run.out"));

        // passive: the kernel refuses the write past 5 MB with ENOSPC; dd fails; Corral kills nothing
        Struct passive = status(shared.resolve("passive.json"));
        assertEquals("TASK_FAILED", passive.getFieldsOrThrow("state").getStringValue(), console);
        assertEquals(1, number(passive, "exit_code"), console);
        assertTrue(!passive.containsFields("reason"), console);
        Struct passiveStats = passive.getFieldsOrThrow("statistics").getStructValue();
        assertEquals(5L << 20, number(passiveStats, "disk_limit_bytes"));
        assertTrue(number(passiveStats, "disk_used_bytes") <= 5L << 20, passiveStats.toString());

        // kill mode: 12 MB fit under the hard limit (5 MB + 10 MB headroom); the next check stops it
        Struct kill = status(shared.resolve("kill.json"));
        assertEquals("TASK_FAILED", kill.getFieldsOrThrow("state").getStringValue(), console);
        assertEquals("REASON_CONTAINER_LIMITATION_DISK", kill.getFieldsOrThrow("reason").getStringValue());
        String message = kill.getFieldsOrThrow("message").getStringValue();
        assertTrue(message.matches("Disk usage \\([0-9]+(KB|MB)\\) exceeded quota \\(5MB\\)"), message);
        assertTrue(!console.contains("Exception"), console);
        try (var walk = Files.walk(shared)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
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
