package corral.isolator.cgroups;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test: the cost of a container's cgroup pair (net_cls + memory) made, configured
 * and removed, against the anchor of launch-path.md §4 (0.31 ms, median of 100, shell-free C-like
 * file writes). Runs only on demand:
 * {@code mvn -B -o -pl isolator-cgroups -am verify -Dtest=CgroupBench -Dcorral.bench=true -Dsurefire.failIfNoSpecifiedTests=false}
 */
class CgroupBench {

    private static final double ANCHOR_MILLIS = 0.31;

    @Test
    void cgroupPairLifecycle() throws Exception {
        assumeTrue(Boolean.getBoolean("corral.bench"), "benchmark: run with -Dcorral.bench=true");
        TestCgroups.assumeRoot();
        Hierarchy netCls = TestCgroups.netCls();
        Hierarchy memory = TestCgroups.v1("memory");
        String root = TestCgroups.uniqueRoot();
        NetClsController controller = new NetClsController();
        int warmup = 200;
        int rounds = 500;
        double[] millis = new double[rounds];
        try {
            for (int i = 0; i < warmup + rounds; i++) {
                long start = System.nanoTime();
                Cgroup n = netCls.cgroup(root + "/c" + i).create();
                Cgroup m = memory.cgroup(root + "/c" + i).create();
                controller.setClassid(n, 0x120000L | (i % 0xffff + 1));
                m.write("memory.limit_in_bytes", "67108864");
                n.destroy(Duration.ofSeconds(5));
                m.destroy(Duration.ofSeconds(5));
                if (i >= warmup) {
                    millis[i - warmup] = (System.nanoTime() - start) / 1e6;
                }
            }
        } finally {
            TestCgroups.removeQuietly(netCls.cgroup(root));
            TestCgroups.removeQuietly(memory.cgroup(root));
        }
        Arrays.sort(millis);
        double median = millis[rounds / 2];
        System.out.printf("cgroup pair create+configure+remove: median %.3f ms, p90 %.3f ms over %d rounds;"
                + " %.2fx the anchor (%.2f ms)%n", median, millis[rounds * 9 / 10], rounds, median / ANCHOR_MILLIS,
                ANCHOR_MILLIS);
    }
}
