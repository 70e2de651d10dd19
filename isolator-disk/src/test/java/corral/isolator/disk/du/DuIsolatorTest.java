package corral.isolator.disk.du;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.isolator.disk.DiskSettings;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.DiskStatistics;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.TaskStatus;
import corral.isolator.spi.mesos.Value;
import corral.isolator.spi.mesos.Volume;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLimitation;
import corral.isolator.spi.mesos.slave.ContainerState;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** disk/du with the real du on real directories. */
class DuIsolatorTest {

    private static final long MB = 1 << 20;
    private Path work;
    private final List<DuIsolator> isolators = new ArrayList<>();

    @BeforeEach
    void workDir() throws IOException {
        work = Files.createTempDirectory(Path.of("/var/tmp"), "corral-du-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterEach
    void clean() throws IOException {
        isolators.forEach(DuIsolator::shutdown);
        try (Stream<Path> walk = Files.walk(work)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private DuIsolator isolator(boolean enforce, String interval) {
        return isolator(enforce, interval, DuCommand.lowPriority(), Duration.ofSeconds(60));
    }

    private DuIsolator isolator(boolean enforce, String interval, DuCommand command, Duration timeout) {
        DiskSettings settings = new DiskSettings(enforce, corral.isolator.spi.MesosValues.parseDuration(interval),
                "[5000-10000]", false, 10 * MB);
        DuIsolator isolator = new DuIsolator(settings, command, timeout);
        isolators.add(isolator);
        return isolator;
    }

    private static ContainerID id(String value) {
        return ContainerID.newBuilder().setValue(value).build();
    }

    static Resource disk(double mb) {
        return Resource.newBuilder().setName("disk").setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(mb)).build();
    }

    private ContainerConfig config(Path sandbox, Resource... resources) {
        return ContainerConfig.newBuilder().setDirectory(sandbox.toString())
                .setCommandInfo(CommandInfo.newBuilder().setValue("true")).addAllResources(List.of(resources)).build();
    }

    private Path sandbox(String name) throws IOException {
        return Files.createDirectories(work.resolve("sandboxes").resolve(name));
    }

    private static void write(Path file, long bytes) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            byte[] chunk = new byte[(int) MB];
            for (long n = 0; n < bytes; n += MB) {
                out.write(chunk); // zeros, but written: du counts the blocks
            }
            out.getFD().sync();
        }
    }

    private static ResourceStatistics usage(DuIsolator isolator, ContainerID id) {
        ResourceStatistics.Builder b = ResourceStatistics.newBuilder().setTimestamp(0);
        isolator.usage(id, b);
        return b.build();
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void theFirstSampleComesRightAfterIsolateNotAfterAWholeInterval() throws Exception {
        DuIsolator isolator = isolator(false, "15secs");
        Path sandbox = sandbox("c1");
        write(sandbox.resolve("data"), 2 * MB);
        isolator.prepare(id("c1"), config(sandbox, disk(5.7)));
        assertEquals(0, usage(isolator, id("c1")).getDiskUsedBytes(), "nothing measured before isolate");

        isolator.isolate(id("c1"), 1);

        await("first sample", Duration.ofSeconds(10), () -> usage(isolator, id("c1")).getDiskUsedBytes() >= 2 * MB);
        ResourceStatistics stats = usage(isolator, id("c1"));
        assertEquals(5 * MB, stats.getDiskLimitBytes(), "5.7 MB truncates to 5 MB, as Mesos");
        assertEquals(1, stats.getDiskStatisticsCount());
        assertEquals(DiskStatistics.newBuilder().setLimitBytes(5 * MB).setUsedBytes(stats.getDiskUsedBytes()).build(),
                stats.getDiskStatistics(0));
    }

    @Test
    void enforcementStopsAContainerAboveItsQuotaWithMesossLimitation() throws Exception {
        DuIsolator isolator = isolator(true, "1secs");
        Path sandbox = sandbox("big");
        isolator.prepare(id("big"), config(sandbox, disk(5)));
        isolator.isolate(id("big"), 1);
        CompletableFuture<ContainerLimitation> watch = isolator.watch(id("big")).toCompletableFuture();
        write(sandbox.resolve("big"), 20 * MB);

        ContainerLimitation limitation = watch.get(15, TimeUnit.SECONDS);

        assertEquals(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_DISK, limitation.getReason());
        assertEquals(List.of(disk(5)), limitation.getResourcesList());
        // the sample may land mid-write: any usage above 5 MB, in Mesos's Bytes format
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Disk usage \\(([0-9]+)(KB|MB)\\) exceeds quota \\(5MB\\)")
                .matcher(limitation.getMessage());
        assertTrue(m.matches(), limitation.getMessage());
        long used = Long.parseLong(m.group(1)) << (m.group(2).equals("MB") ? 20 : 10);
        assertTrue(used > 5 * MB, limitation.getMessage());
    }

    @Test
    void withoutEnforcementTheContainerKeepsRunningAndUsageShowsTheOverrun() throws Exception {
        DuIsolator isolator = isolator(false, "1secs");
        Path sandbox = sandbox("free");
        isolator.prepare(id("free"), config(sandbox, disk(1)));
        write(sandbox.resolve("big"), 3 * MB);
        isolator.isolate(id("free"), 1);
        await("usage above limit", Duration.ofSeconds(10), () -> usage(isolator, id("free")).getDiskUsedBytes() > MB);
        long before = isolator.samplesTaken();
        await("another sample", Duration.ofSeconds(10), () -> isolator.samplesTaken() > before);
        assertFalse(isolator.watch(id("free")).toCompletableFuture().isDone());
        assertEquals(MB, usage(isolator, id("free")).getDiskLimitBytes());
    }

    @Test
    void aVolumeNestedInTheSandboxIsExcludedFromTheSandboxAndMeasuredOnItsOwn() throws Exception {
        DuIsolator isolator = isolator(true, "1secs");
        Path sandbox = sandbox("vol");
        Resource volume = disk(10).toBuilder().setDisk(Resource.DiskInfo.newBuilder()
                .setPersistence(Resource.DiskInfo.Persistence.newBuilder().setId("pv1"))
                .setVolume(Volume.newBuilder().setContainerPath("data[1]").setMode(Volume.Mode.RW))).build();
        write(sandbox.resolve("data[1]/blob"), 8 * MB);
        write(sandbox.resolve("own"), MB);
        isolator.prepare(id("vol"), config(sandbox, disk(5), volume));
        isolator.isolate(id("vol"), 1);

        await("both sampled", Duration.ofSeconds(10), () -> {
            ResourceStatistics s = usage(isolator, id("vol"));
            return s.getDiskUsedBytes() > 0 && s.getDiskStatisticsList().stream().allMatch(DiskStatistics::hasUsedBytes);
        });
        ResourceStatistics stats = usage(isolator, id("vol"));
        assertTrue(stats.getDiskUsedBytes() >= MB && stats.getDiskUsedBytes() < 2 * MB,
                "the sandbox without its volume: " + stats.getDiskUsedBytes());
        assertEquals(2, stats.getDiskStatisticsCount());
        DiskStatistics vol = stats.getDiskStatisticsList().stream().filter(DiskStatistics::hasPersistence)
                .findFirst().orElseThrow();
        assertEquals("pv1", vol.getPersistence().getId());
        assertEquals(10 * MB, vol.getLimitBytes());
        assertTrue(vol.getUsedBytes() >= 8 * MB, "volume used " + vol.getUsedBytes());
        assertFalse(isolator.watch(id("vol")).toCompletableFuture().isDone(), "both are within their quotas");
    }

    @Test
    void aDiskThatIsNotAPositiveScalarFailsPrepareAndRecordsNothing() throws Exception {
        DuIsolator isolator = isolator(true, "1secs");
        Path sandbox = sandbox("bad");
        Map<Resource, String> bad = Map.of(
                disk(-1), "Invalid resource 'disk': expected a positive scalar (MB), got -1",
                disk(0), "Invalid resource 'disk': expected a positive scalar (MB), got 0",
                disk(0.5), "Invalid resource 'disk': 0.5 is less than 1 MB, the smallest quota (disk is counted in whole MB)",
                Resource.newBuilder().setName("disk").setType(Value.Type.RANGES).setRanges(Value.Ranges.newBuilder()
                        .addRange(Value.Range.newBuilder().setBegin(1).setEnd(2))).build(),
                "Invalid resource 'disk': expected a positive scalar (MB), got a RANGES value [1-2]");
        for (Map.Entry<Resource, String> e : bad.entrySet()) {
            IsolatorException refused = assertThrows(IsolatorException.class,
                    () -> isolator.prepare(id("bad"), config(sandbox, e.getKey())));
            assertEquals(e.getValue(), refused.getMessage());
            assertEquals("Unknown container",
                    assertThrows(IsolatorException.class, () -> usage(isolator, id("bad"))).getMessage());
        }
        isolator.prepare(id("bad"), config(sandbox, disk(1)));
    }

    @Test
    void mesossMessagesForDuplicateAndUnknownContainers() throws Exception {
        DuIsolator isolator = isolator(false, "15secs");
        Path sandbox = sandbox("dup");
        isolator.prepare(id("dup"), config(sandbox, disk(1)));
        assertEquals("Container has already been prepared", assertThrows(IsolatorException.class,
                () -> isolator.prepare(id("dup"), config(sandbox, disk(1)))).getMessage());
        assertEquals("Unknown container",
                assertThrows(IsolatorException.class, () -> isolator.isolate(id("nope"), 1)).getMessage());
        assertEquals("Unknown container",
                assertThrows(IsolatorException.class, () -> isolator.watch(id("nope"))).getMessage());
        isolator.cleanup(id("nope"));
        isolator.update(id("nope"), List.of(disk(1)), Map.of());
        ResourceStatistics.Builder none = ResourceStatistics.newBuilder().setTimestamp(0);
        isolator.prepare(id("nodisk"), config(sandbox("nodisk")));
        isolator.usage(id("nodisk"), none);
        assertFalse(none.hasDiskLimitBytes() || none.hasDiskUsedBytes() || none.getDiskStatisticsCount() > 0,
                "no disk resource: nothing disk-related is reported");
    }

    @Test
    void aHungDuIsKilledAndRetriedWithoutStallingOtherContainers() throws Exception {
        // a du that hangs on sandboxes named *hang*: the real du for the others
        DuCommand hangs = new DuCommand(List.of("sh", "-c",
                "for a; do last=$a; done; case $last in *hang*) exec sleep 600;; esac; exec du \"$@\"", "du"));
        DuIsolator isolator = isolator(true, "1secs", hangs, Duration.ofMillis(1500));
        Path hung = sandbox("hang");
        Path ok1 = sandbox("ok1");
        Path ok2 = sandbox("ok2");
        write(ok1.resolve("data"), 2 * MB);
        for (String name : new String[] {"hang", "ok1", "ok2"}) {
            isolator.prepare(id(name), config(work.resolve("sandboxes").resolve(name), disk(50)));
            isolator.isolate(id(name), 1);
        }
        await("the others are sampled while du hangs", Duration.ofSeconds(10),
                () -> usage(isolator, id("ok1")).getDiskUsedBytes() >= 2 * MB);
        write(ok2.resolve("later"), 3 * MB);
        await("and keep being sampled", Duration.ofSeconds(10),
                () -> usage(isolator, id("ok2")).getDiskUsedBytes() >= 3 * MB);
        assertEquals(0, usage(isolator, id("hang")).getDiskUsedBytes());
        await("the hung du was killed and retried", Duration.ofSeconds(10), () -> isolator.samplesTaken() >= 8);
        assertTrue(sleepers() <= 1, "at most the current attempt is alive: " + sleepers());
        isolator.cleanup(id("hang"));
        await("no du left after cleanup", Duration.ofSeconds(5), () -> sleepers() == 0);
        assertTrue(Files.isDirectory(hung));
    }

    private static long sleepers() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("sleep 600")).count();
    }

    @Test
    void recoveredContainersAreSampledAgainFromTheirNextUpdate() throws Exception {
        DuIsolator isolator = isolator(false, "1secs");
        Path sandbox = sandbox("rec");
        write(sandbox.resolve("data"), 2 * MB);
        isolator.recover(List.of(ContainerState.newBuilder().setContainerId(id("rec")).setPid(1)
                .setDirectory(sandbox.toString()).build()), java.util.Set.of());
        assertFalse(usage(isolator, id("rec")).hasDiskLimitBytes(), "quotas come back with the next update");
        isolator.update(id("rec"), List.of(disk(3)), Map.of());
        await("sampled after recovery", Duration.ofSeconds(10),
                () -> usage(isolator, id("rec")).getDiskUsedBytes() >= 2 * MB);
        assertEquals(3 * MB, usage(isolator, id("rec")).getDiskLimitBytes());
    }

    @Test
    void cleanupStopsSampling() throws Exception {
        DuIsolator isolator = isolator(false, "1secs");
        Path sandbox = sandbox("stop");
        isolator.prepare(id("stop"), config(sandbox, disk(1)));
        isolator.isolate(id("stop"), 1);
        await("sampling", Duration.ofSeconds(10), () -> isolator.samplesTaken() >= 2);
        isolator.cleanup(id("stop"));
        Thread.sleep(500); // a du already running may finish
        long after = isolator.samplesTaken();
        Thread.sleep(2500);
        assertEquals(after, isolator.samplesTaken(), "no du after cleanup");
        assertEquals("Unknown container",
                assertThrows(IsolatorException.class, () -> usage(isolator, id("stop"))).getMessage());
    }
}
