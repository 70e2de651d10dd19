package corral.isolator.disk.bench;

import corral.bindings.FsXattr;
import corral.bindings.Quota;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The disk benchmark behind {@code bench/disk} (not a test): what one refresh of every sandbox's
 * usage costs with {@code disk/du} (a {@code du} per sandbox, as the isolator runs it) and with
 * {@code disk/xfs} (a {@code Q_XGETQUOTA} per sandbox).
 *
 * <pre>
 *   DiskBench create ROOT SANDBOXES FILES   trees of small files, sandbox i labelled with project 5000+i
 *   DiskBench measure ROOT ROUNDS [DEVICE]  du refreshes, then (with DEVICE) quota refreshes
 * </pre>
 */
public final class DiskBench {

    private static final int FIRST_PROJECT = 5000;
    private static final long CLK_TCK_NS = 10_000_000L; // USER_HZ = 100 on Linux

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "create" -> create(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "measure" -> measure(Path.of(args[1]), Integer.parseInt(args[2]), args.length > 3 ? args[3] : null);
            default -> throw new IllegalArgumentException("usage: DiskBench create|measure ...");
        }
    }

    private static List<Path> sandboxes(Path root) throws IOException {
        try (var list = Files.list(root.resolve("sandboxes"))) {
            return list.sorted().toList();
        }
    }

    private static void create(Path root, int sandboxes, int files) throws IOException {
        Random random = new Random(42);
        byte[] data = new byte[1000];
        random.nextBytes(data);
        long t0 = System.nanoTime();
        for (int s = 0; s < sandboxes; s++) {
            Path sandbox = Files.createDirectories(root.resolve("sandboxes").resolve(String.format("s%03d", s)));
            for (int f = 0; f < files; f++) {
                Path dir = sandbox.resolve("d" + f / 1000);
                if (f % 1000 == 0) {
                    Files.createDirectories(dir);
                }
                try (OutputStream out = Files.newOutputStream(dir.resolve("f" + f))) {
                    out.write(data, 0, 100 + random.nextInt(900)); // 100 B .. 1 KB
                }
            }
            FsXattr.setTree(sandbox, FIRST_PROJECT + s);
        }
        System.out.printf("created %d sandboxes x %d files in %.1f s%n", sandboxes, files, (System.nanoTime() - t0) / 1e9);
    }

    private static void measure(Path root, int rounds, String device) throws Exception {
        List<Path> sandboxes = sandboxes(root);
        System.out.printf("%s: %d sandboxes under %s, kernel %s%n", device == null ? "host" : "guest",
                sandboxes.size(), root, System.getProperty("os.version"));
        Path empty = Files.createDirectories(root.resolve("empty"));
        long f0 = System.nanoTime();
        long fc0 = processCpuNs();
        for (int i = 0; i < sandboxes.size(); i++) {
            du(empty);
        }
        System.out.printf("du   spawn floor (the same du on an empty directory, x%d): %.1f ms wall, %.1f ms CPU%n",
                sandboxes.size(), (System.nanoTime() - f0) / 1e6, (processCpuNs() - fc0) / 1e6);
        double[] duWall = new double[rounds];
        double[] duCpu = new double[rounds];
        long duTotal = 0;
        for (int r = 0; r < rounds; r++) {
            long cpu0 = processCpuNs();
            long t0 = System.nanoTime();
            long total = 0;
            for (Path sandbox : sandboxes) {
                total += du(sandbox);
            }
            duWall[r] = (System.nanoTime() - t0) / 1e6;
            duCpu[r] = (processCpuNs() - cpu0) / 1e6;
            duTotal = total;
            System.out.printf("du   round %d%s: %9.1f ms wall, %9.1f ms CPU (agent + du), %d KiB%n", r + 1,
                    r == 0 ? " (first after mount)" : "", duWall[r], duCpu[r], total / 1024);
        }
        if (device == null) {
            summary("du", duWall, duCpu);
            return;
        }
        for (int s = 0; s < sandboxes.size(); s++) {
            Quota.get(device, FIRST_PROJECT + s); // warm-up: class loading, jnr stubs
        }
        final int repeat = 1000; // one refresh is well under a clock tick: time many
        double[] qWall = new double[rounds];
        double[] qCpu = new double[rounds];
        long qTotal = 0;
        for (int r = 0; r < rounds; r++) {
            long cpu0 = processCpuNs();
            long t0 = System.nanoTime();
            long total = 0;
            for (int k = 0; k < repeat; k++) {
                total = 0;
                for (int s = 0; s < sandboxes.size(); s++) {
                    total += Quota.get(device, FIRST_PROJECT + s).orElseThrow().usedBytes();
                }
            }
            qWall[r] = (System.nanoTime() - t0) / 1e6 / repeat;
            qCpu[r] = (processCpuNs() - cpu0) / 1e6 / repeat;
            qTotal = total;
            System.out.printf("xfs  round %d (mean of " + repeat + "): %9.3f ms wall, %9.3f ms CPU, %d KiB%n", r + 1, qWall[r], qCpu[r], total / 1024);
        }
        summary("du", duWall, duCpu);
        summary("xfs", qWall, qCpu);
        double duWarm = median(Arrays.copyOfRange(duWall, Math.min(1, rounds - 1), rounds));
        double qWarm = median(Arrays.copyOfRange(qWall, Math.min(1, rounds - 1), rounds));
        System.out.printf("RATIO du/xfs refresh wall: first %.0fx, warm median %.0fx; CPU warm median %.0fx; "
                        + "usage agrees within %.1f%%%n",
                duWall[0] / qWall[0], duWarm / qWarm,
                median(Arrays.copyOfRange(duCpu, Math.min(1, rounds - 1), rounds))
                        / Math.max(1e-3, median(Arrays.copyOfRange(qCpu, Math.min(1, rounds - 1), rounds))),
                100.0 * Math.abs(duTotal - qTotal) / Math.max(1, qTotal));
    }

    private static void summary(String what, double[] wall, double[] cpu) {
        double[] warmWall = Arrays.copyOfRange(wall, Math.min(1, wall.length - 1), wall.length);
        double[] warmCpu = Arrays.copyOfRange(cpu, Math.min(1, cpu.length - 1), cpu.length);
        System.out.printf("SUMMARY %-4s refresh: first %.1f ms; warm median %.3f ms wall, %.3f ms CPU%n",
                what, wall[0], median(warmWall), median(warmCpu));
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** du as disk/du runs it; @return bytes */
    private static long du(Path sandbox) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("nice", "-n", "19", "ionice", "-c3", "du", "-k", "-s", sandbox.toString()));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("du failed: " + out);
        }
        return Long.parseLong(out.strip().split("\\s+")[0]) * 1024;
    }

    /** This process's CPU plus that of its reaped children, from /proc/self/stat. */
    private static long processCpuNs() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the command: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return ticks * CLK_TCK_NS;
    }
}
