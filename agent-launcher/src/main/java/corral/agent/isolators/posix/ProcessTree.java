package corral.agent.isolators.posix;

import corral.bindings.NativeException;
import corral.bindings.ProcStat;
import corral.bindings.Processes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A process and its descendants, read from {@code /proc/<pid>/stat}. Children are found by scanning
 * every process's parent pid, because {@code /proc/<pid>/task/<tid>/children} needs
 * {@code CONFIG_PROC_CHILDREN}, which many kernels lack.
 */
final class ProcessTree {

    private static final Path PROC = Path.of("/proc");
    private static final long CLOCK_TICKS = sysconf(Processes::clockTicksPerSecond);
    private static final long PAGE_SIZE = sysconf(Processes::pageSize);

    private ProcessTree() {
    }

    /**
     * Summed figures of a process tree.
     *
     * @param processes how many processes
     * @param threads how many threads
     * @param userSeconds user CPU time
     * @param systemSeconds system CPU time
     * @param rssBytes resident memory
     */
    record Usage(int processes, int threads, double userSeconds, double systemSeconds, long rssBytes) {
    }

    /**
     * @param root the tree's root process
     * @param startTicks the root's start time, so that a reused pid is not mistaken for it
     * @return the summed figures of the root and all its descendants, or empty when the root is gone
     */
    static Optional<Usage> usage(long root, long startTicks) {
        // a full /proc scan costs milliseconds (tens under load): skip it when the root is gone
        Optional<ProcStat> first = ProcStat.read(root);
        if (first.isEmpty() || first.get().startTicks() != startTicks) {
            return Optional.empty();
        }
        Cached cached = last;
        if (cached != null && cached.root() == root && cached.startTicks() == startTicks
                && System.nanoTime() - cached.nanos() < REUSE_NANOS) {
            return Optional.of(cached.usage()); // posix/cpu and posix/mem ask one right after the other
        }
        Optional<Usage> usage = scan(root, startTicks);
        usage.ifPresent(u -> last = new Cached(root, startTicks, System.nanoTime(), u));
        return usage;
    }

    /** How long one scan's figures are reused for the same tree. */
    private static final long REUSE_NANOS = 100_000_000;
    private static volatile Cached last;

    private record Cached(long root, long startTicks, long nanos, Usage usage) {
    }

    private static Optional<Usage> scan(long root, long startTicks) {
        Map<Long, List<ProcStat>> children = new HashMap<>();
        ProcStat rootStat = null;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                Optional<ProcStat> stat = ProcStat.read(pid);
                if (stat.isEmpty()) {
                    continue;
                }
                if (pid == root) {
                    rootStat = stat.get();
                } else {
                    children.computeIfAbsent(stat.get().ppid(), k -> new ArrayList<>()).add(stat.get());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        if (rootStat == null || rootStat.startTicks() != startTicks) {
            return Optional.empty();
        }
        int processes = 0;
        long threads = 0;
        long utime = 0;
        long stime = 0;
        long rss = 0;
        Deque<ProcStat> pending = new ArrayDeque<>(List.of(rootStat));
        while (!pending.isEmpty()) {
            ProcStat s = pending.pop();
            processes++;
            threads += s.threads();
            utime += s.utimeTicks();
            stime += s.stimeTicks();
            rss += s.rssPages();
            pending.addAll(children.getOrDefault(s.pid(), List.of()));
        }
        return Optional.of(new Usage(processes, (int) threads, (double) utime / CLOCK_TICKS,
                (double) stime / CLOCK_TICKS, rss * PAGE_SIZE));
    }

    private interface Sysconf {
        long get() throws NativeException;
    }

    private static long sysconf(Sysconf value) {
        try {
            return value.get();
        } catch (NativeException e) {
            throw new IllegalStateException(e.getMessage(), e); // glibc always knows both on Linux
        }
    }
}
