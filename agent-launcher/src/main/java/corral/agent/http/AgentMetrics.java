package corral.agent.http;

import corral.agent.containerizer.FinalStatus;
import corral.isolator.spi.mesos.TaskState;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** Agent-wide counters and the launch latency histogram. Thread-safe. */
public final class AgentMetrics {

    /** Upper bounds of the launch latency buckets, in seconds. */
    static final double[] LAUNCH_BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final long startNanos = System.nanoTime();
    final LongAdder launches = new LongAdder();
    final LongAdder launchFailures = new LongAdder();
    final LongAdder finished = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder killed = new LongAdder();
    final LongAdder kills = new LongAdder();
    private final Map<String, LongAdder> limitations = new TreeMap<>();
    private final AtomicLongArray launchBuckets = new AtomicLongArray(LAUNCH_BUCKETS.length);
    private final LongAdder launchCount = new LongAdder();
    private final DoubleAdder launchSeconds = new DoubleAdder();

    /** @param seconds how long a successful launch took */
    void launched(double seconds) {
        launches.increment();
        launchCount.increment();
        launchSeconds.add(seconds);
        for (int i = 0; i < LAUNCH_BUCKETS.length; i++) {
            if (seconds <= LAUNCH_BUCKETS[i]) {
                launchBuckets.incrementAndGet(i);
            }
        }
    }

    /** A launch failed. */
    void launchFailed() {
        launches.increment();
        launchFailures.increment();
    }

    /** @param status how a container ended */
    void terminated(FinalStatus status) {
        if (status.state() == TaskState.TASK_FINISHED) {
            finished.increment();
        } else if (status.state() == TaskState.TASK_KILLED) {
            killed.increment();
        } else {
            failed.increment();
        }
        status.limitation().ifPresent(l -> {
            String reason = l.hasReason() ? l.getReason().name()
                    : status.reason().map(Enum::name).orElse("REASON_CONTAINER_LIMITATION");
            synchronized (limitations) {
                limitations.computeIfAbsent(reason, r -> new LongAdder()).increment();
            }
        });
    }

    /** @return seconds since the agent started */
    double uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** @return limitations by reason */
    Map<String, Long> limitations() {
        Map<String, Long> copy = new TreeMap<>();
        synchronized (limitations) {
            limitations.forEach((k, v) -> copy.put(k, v.sum()));
        }
        return copy;
    }

    /** @return cumulative launch counts per bucket of {@link #LAUNCH_BUCKETS} */
    long[] launchBuckets() {
        long[] counts = new long[LAUNCH_BUCKETS.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = launchBuckets.get(i);
        }
        return counts;
    }

    long launchCount() {
        return launchCount.sum();
    }

    double launchSeconds() {
        return launchSeconds.sum();
    }
}
