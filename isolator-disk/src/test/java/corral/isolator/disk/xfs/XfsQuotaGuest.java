package corral.isolator.disk.xfs;

import corral.bindings.FsXattr;
import corral.bindings.Quota;
import corral.isolator.disk.DiskResources;
import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.TaskStatus;
import corral.isolator.spi.mesos.Value;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLimitation;
import corral.isolator.spi.mesos.slave.ContainerState;
import corral.isolator.testkit.TestContext;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The quota half of disk/xfs's tests, run inside a User-Mode Linux guest whose kernel has XFS project
 * quotas ({@link XfsQuotaUmlTest} boots it). Each scenario checks what the kernel reports and what a
 * real write returns, and prints {@code PASS name} or {@code FAIL name: why} to the results file.
 *
 * <p>Usage: {@code XfsQuotaGuest RESULTS_FILE [XFS_MOUNT]}.
 */
public final class XfsQuotaGuest {

    private static final long MB = DiskResources.MB;
    private static Path xfs;

    interface Scenario {
        void run() throws Exception;
    }

    /** The scenario names, in order; the host test expects each of them. */
    static final List<String> SCENARIOS = List.of("creationOnAProjectQuotaXfs", "rangeErrorsRefuseCreation",
            "accountingMeasuresWithoutLimiting", "passiveLimitFailsWritesWithEnospcAndLeavesTheWriterAlive",
            "killModeLetsWritesIntoTheHeadroomThenReportsTheLimitation", "idsAreReleasedAtCleanupAndReusedClean",
            "recoveryRelearnsIdsAndReleasesThoseOfGoneContainers");

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        xfs = Path.of(args.length > 1 ? args[1] : "/tmp/xfs");
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        scenarios.put(SCENARIOS.get(0), XfsQuotaGuest::creation);
        scenarios.put(SCENARIOS.get(1), XfsQuotaGuest::rangeErrors);
        scenarios.put(SCENARIOS.get(2), XfsQuotaGuest::accounting);
        scenarios.put(SCENARIOS.get(3), XfsQuotaGuest::passive);
        scenarios.put(SCENARIOS.get(4), XfsQuotaGuest::killMode);
        scenarios.put(SCENARIOS.get(5), XfsQuotaGuest::releaseAndReuse);
        scenarios.put(SCENARIOS.get(6), XfsQuotaGuest::recovery);
        int failed = 0;
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results, StandardCharsets.UTF_8), true)) {
            for (Map.Entry<String, Scenario> s : scenarios.entrySet()) {
                long t0 = System.nanoTime();
                try {
                    s.getValue().run();
                    out.println("PASS " + s.getKey() + " " + (System.nanoTime() - t0) / 1_000_000 + "ms");
                } catch (Throwable e) {
                    failed++;
                    out.println("FAIL " + s.getKey() + ": " + e.toString().replace('\n', ' '));
                    e.printStackTrace();
                }
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    // --- scenarios ------------------------------------------------------------------------------

    private static void creation() throws Exception {
        Path work = workDir("create");
        XfsIsolator isolator = create(work, Map.of());
        check(isolator.projectIdsTotal() == 5001, "total " + isolator.projectIdsTotal());
        check(isolator.projectIdsFree() == 5001, "free " + isolator.projectIdsFree());
        check(isolator.metrics().equals(java.util.Map.of(XfsIsolator.PROJECT_IDS_TOTAL, 5001.0, XfsIsolator.PROJECT_IDS_FREE, 5001.0)),
                "metrics " + isolator.metrics());
        int flags = Quota.status("/dev/ubda");
        check((flags & Quota.FS_QUOTA_PDQ_ACCT) != 0 && (flags & Quota.FS_QUOTA_PDQ_ENFD) != 0, "qs_flags " + flags);
        isolator.shutdown();
    }

    private static void rangeErrors() throws Exception {
        Path work = workDir("range");
        String[][] cases = {
            {"foo", "Failed to parse XFS project range 'foo'"},
            {"100", "Invalid XFS project resource type SCALAR, expecting RANGES"},
            {"[100-1099511627776]", "Project ID 1099511627776  is out of range"},
            {"[0-10]", "XFS project ID range contains illegal 0 value"},
        };
        for (String[] c : cases) {
            Creation creation = new XfsProvider().create(TestContext.of(work,
                    Map.of("corral.disk.xfs_project_range", c[0]), "disk/xfs"));
            equal(c[1], creation.unavailableReason().orElse("ready"));
        }
    }

    private static void accounting() throws Exception {
        Path work = workDir("accounting");
        XfsIsolator isolator = create(work, Map.of());
        ContainerID id = id("acct");
        Path sandbox = prepare(isolator, work, id, 5);
        equal(5000, FsXattr.get(sandbox).projectId());
        Quota.Usage record = Quota.get("/dev/ubda", 5000).orElse(new Quota.Usage(0, 0, 0));
        check(record.hardLimitBytes() == 0 && record.softLimitBytes() == 0, "accounting sets no limit: " + record);
        write(sandbox.resolve("data"), 8 * MB); // above the 5 MB quota: accounting never refuses
        ResourceStatistics.Builder stats = ResourceStatistics.newBuilder().setTimestamp(0);
        isolator.usage(id, stats);
        check(stats.getDiskUsedBytes() >= 8 * MB, "used " + stats.getDiskUsedBytes());
        equal(5 * MB, stats.getDiskLimitBytes());
        check(stats.getDiskStatisticsCount() == 0, "no disk_statistics for the sandbox, as Mesos");
        isolator.cleanup(id);
        equal(5001L, isolator.projectIdsFree());
        isolator.shutdown();
    }

    private static void passive() throws Exception {
        Path work = workDir("passive");
        XfsIsolator isolator = create(work, Map.of("corral.disk.enforce_container_disk_quota", true));
        ContainerID id = id("passive");
        Path sandbox = prepare(isolator, work, id, 5);
        Quota.Usage record = Quota.get("/dev/ubda", 5000).orElseThrow();
        equal(5 * MB, record.hardLimitBytes());
        equal(5 * MB, record.softLimitBytes());
        CompletableFuture<ContainerLimitation> watch = isolator.watch(id).toCompletableFuture();
        Process writer = new ProcessBuilder("sh", "-c",
                // dd's status goes outside the sandbox: inside, the full quota would refuse it too
                "dd if=/dev/zero of=big bs=64k count=320 2>../../dd.err; echo $? > ../../dd.rc; exec sleep 60")
                .directory(sandbox.toFile()).start();
        try {
            Path rc = work.resolve("dd.rc");
            for (int i = 0; i < 300 && !(Files.exists(rc) && Files.size(rc) > 0); i++) {
                Thread.sleep(100);
            }
            check(!Files.readString(rc).strip().equals("0"), "dd must fail");
            String err = Files.readString(work.resolve("dd.err"));
            check(err.contains("No space left on device"), "XFS reports ENOSPC for a project quota: " + err);
            check(writer.isAlive(), "passive mode leaves the writer running");
            long big = Files.size(sandbox.resolve("big"));
            check(big <= 5 * MB && big >= 4 * MB, "dd wrote " + big);
            ResourceStatistics.Builder stats = ResourceStatistics.newBuilder().setTimestamp(0);
            isolator.usage(id, stats);
            check(stats.getDiskUsedBytes() <= 5 * MB, "used " + stats.getDiskUsedBytes());
            check(!watch.isDone(), "passive mode reports no limitation");
            try (FileOutputStream out = new FileOutputStream(sandbox.resolve("java").toFile())) {
                out.write(new byte[(int) MB]);
                out.getFD().sync();
                throw new AssertionError("a Java write past the hard limit succeeded");
            } catch (IOException e) {
                check(e.getMessage().contains("No space left on device"), e.getMessage());
            }
        } finally {
            writer.destroyForcibly().waitFor();
            isolator.cleanup(id);
            isolator.shutdown();
        }
    }

    private static void killMode() throws Exception {
        Path work = workDir("kill");
        XfsIsolator isolator = create(work, Map.of("corral.disk.enforce_container_disk_quota", true,
                "corral.disk.xfs_kill_containers", true, "corral.disk.container_disk_watch_interval", "1secs"));
        ContainerID id = id("kill");
        Path sandbox = prepare(isolator, work, id, 2);
        Quota.Usage record = Quota.get("/dev/ubda", 5000).orElseThrow();
        equal(2 * MB, record.softLimitBytes());
        equal(12 * MB, record.hardLimitBytes());
        CompletableFuture<ContainerLimitation> watch = isolator.watch(id).toCompletableFuture();
        write(sandbox.resolve("data"), 6 * MB); // past the soft limit, inside the 10 MB headroom
        ContainerLimitation limitation = watch.get(10, TimeUnit.SECONDS);
        equal(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_DISK, limitation.getReason());
        check(limitation.getMessage().matches("Disk usage \\((6MB|61[0-9][0-9]KB)\\) exceeded quota \\(2MB\\)"),
                limitation.getMessage());
        equal(1, limitation.getResourcesCount());
        equal("disk", limitation.getResources(0).getName());
        equal(6.0, limitation.getResources(0).getScalar().getValue());
        isolator.cleanup(id);
        equal(5001L, isolator.projectIdsFree());
        isolator.shutdown();
    }

    private static void releaseAndReuse() throws Exception {
        Path work = workDir("reuse");
        XfsIsolator isolator = create(work, Map.of("corral.disk.enforce_container_disk_quota", true,
                "corral.disk.xfs_project_range", "[5000-5001]"));
        ContainerID a = id("a");
        ContainerID b = id("b");
        ContainerID c = id("c");
        Path sa = prepare(isolator, work, a, 4);
        Path sb = prepare(isolator, work, b, 4);
        equal(5000, FsXattr.get(sa).projectId());
        equal(5001, FsXattr.get(sb).projectId());
        equal(0L, isolator.projectIdsFree());
        Path sc = Files.createDirectories(work.resolve("sandboxes/c"));
        try {
            isolator.prepare(c, config(sc, 4));
            throw new AssertionError("prepare with an exhausted range succeeded");
        } catch (IsolatorException e) {
            equal("Failed to assign project ID, range exhausted", e.getMessage());
        }
        equal(0, FsXattr.get(sc).projectId());
        write(sa.resolve("left-behind"), 3 * MB);
        check(Quota.get("/dev/ubda", 5000).orElseThrow().usedBytes() >= 3 * MB, "a's usage is counted");

        isolator.cleanup(a);
        equal(1L, isolator.projectIdsFree());
        equal(0, FsXattr.get(sa.resolve("left-behind")).projectId());
        check(Quota.get("/dev/ubda", 5000).isEmpty(), "the quota record of 5000 is gone: "
                + Quota.get("/dev/ubda", 5000));

        isolator.prepare(c, config(sc, 4));
        equal(5000, FsXattr.get(sc).projectId());
        ResourceStatistics.Builder stats = ResourceStatistics.newBuilder().setTimestamp(0);
        isolator.usage(c, stats);
        check(stats.getDiskUsedBytes() < 64 * 1024, "c starts clean, not with a's 3MB: " + stats.getDiskUsedBytes());
        write(sc.resolve("fits"), 3 * MB); // c has the whole 4MB: a's leftovers are not charged to it
        isolator.cleanup(b);
        isolator.cleanup(c);
        equal(2L, isolator.projectIdsFree());
        isolator.shutdown();
    }

    private static void recovery() throws Exception {
        Path work = workDir("recover");
        Map<String, Object> enforce = Map.of("corral.disk.enforce_container_disk_quota", true);
        XfsIsolator first = create(work, enforce);
        ContainerID alive = id("alive");
        ContainerID gone = id("gone");
        Path sAlive = prepare(first, work, alive, 3);
        Path sGone = prepare(first, work, gone, 3);
        write(sAlive.resolve("data"), MB);
        first.shutdown(); // the agent restarts: nothing is cleaned up

        XfsIsolator second = create(work, enforce);
        second.recover(List.of(ContainerState.newBuilder().setContainerId(alive).setPid(1)
                .setDirectory(sAlive.toString()).build()), Set.of());
        equal(5000, FsXattr.get(sAlive).projectId());
        equal(0, FsXattr.get(sGone).projectId());
        equal(5000L, second.projectIdsFree());
        ResourceStatistics.Builder stats = ResourceStatistics.newBuilder().setTimestamp(0);
        second.usage(alive, stats);
        equal(3 * MB, stats.getDiskLimitBytes());
        check(stats.getDiskUsedBytes() >= MB, "used " + stats.getDiskUsedBytes());
        ContainerID next = id("next");
        Path sNext = prepare(second, work, next, 1);
        equal(5001, FsXattr.get(sNext).projectId());
        second.cleanup(alive);
        second.cleanup(next);
        equal(5001L, second.projectIdsFree());
        second.shutdown();
    }

    // --- helpers --------------------------------------------------------------------------------

    private static Path workDir(String name) throws IOException {
        return Files.createDirectories(xfs.resolve(name));
    }

    private static XfsIsolator create(Path work, Map<String, Object> settings) {
        Creation creation = new XfsProvider().create(TestContext.of(work, settings, "disk/xfs"));
        return (XfsIsolator) creation.isolator().orElseThrow(
                () -> new AssertionError("disk/xfs unavailable: " + creation.unavailableReason().orElse("")));
    }

    private static ContainerID id(String value) {
        return ContainerID.newBuilder().setValue(value).build();
    }

    private static ContainerConfig config(Path sandbox, int diskMb) {
        return ContainerConfig.newBuilder().setDirectory(sandbox.toString())
                .setCommandInfo(CommandInfo.newBuilder().setValue("true"))
                .addResources(Resource.newBuilder().setName("disk").setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(diskMb)))
                .build();
    }

    private static Path prepare(XfsIsolator isolator, Path work, ContainerID id, int diskMb) throws IOException {
        Path sandbox = Files.createDirectories(work.resolve("sandboxes").resolve(id.getValue()));
        Optional<?> info = isolator.prepare(id, config(sandbox, diskMb));
        check(info.isEmpty(), "disk/xfs declares nothing for the launch");
        return sandbox;
    }

    private static void write(Path file, long bytes) throws IOException {
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            byte[] chunk = new byte[(int) MB];
            for (long n = 0; n < bytes; n += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - n));
            }
            out.getFD().sync();
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static void equal(Object expected, Object actual) {
        if (!expected.equals(actual)) {
            throw new AssertionError("expected <" + expected + "> but was <" + actual + ">");
        }
    }
}
