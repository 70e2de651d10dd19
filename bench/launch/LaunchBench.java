// Launch-to-exit latency of /bin/true: Corral's Linux launcher (Java API, warm JVM; also into crun's own
// busybox root filesystem with filesystem/linux) against crun, runc,
// bwrap, unshare(1) and plain fork/exec, interleaved in shuffled order each round. Run by ./run.
import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.linux.LinuxContainer;
import corral.agent.launcher.linux.LinuxLauncher;
import corral.bindings.Processes;
import corral.bindings.Spawn;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.Volume;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

public class LaunchBench {

    interface Variant {
        /** @return {wall nanos, cpu micros} */
        long[] run(int round) throws Exception;
    }

    static Path work;
    static LinuxLauncher launcher;
    static List<Isolator> isolators;
    static List<Isolator> rootfsIsolators;
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path bundle = Path.of(args[1]);
        work = Path.of(args[2]);
        launcher = new LinuxLauncher("corral-bench");
        Path ro = Files.createDirectories(work.resolve("ro"));
        Path rw = Files.createDirectories(work.resolve("rw"));
        Path roTarget = Files.createDirectories(work.resolve("mnt-ro"));
        Path rwTarget = Files.createDirectories(work.resolve("mnt-rw"));
        isolators = isolators("filesystem/shared", "namespaces/pid");
        rootfsIsolators = isolators("filesystem/linux", "namespaces/pid");
        Path rootfs = bundle.resolve("rootfs");

        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("fork/exec /bin/true (from the JVM)", r -> external(List.of("/bin/true")));
        variants.put("unshare --pid --fork --mount-proc", r -> external(List.of("/usr/bin/unshare", "--pid", "--fork",
                "--mount-proc", "/bin/true")));
        variants.put("bwrap pid+mnt ns, /proc, ro+rw bind", r -> external(List.of("/usr/bin/bwrap", "--bind", "/", "/",
                "--unshare-pid", "--proc", "/proc", "--ro-bind", ro.toString(), roTarget.toString(), "--bind", rw.toString(),
                rwTarget.toString(), "/bin/true")));
        variants.put("crun run (cgroupfs)", r -> external(List.of("/usr/bin/crun", "run", "-b", bundle.toString(),
                "bench-crun-" + r)));
        variants.put("crun run (no cgroups)", r -> external(List.of("/usr/bin/crun", "--cgroup-manager=disabled", "run",
                "-b", bundle.toString(), "bench-crun-" + r)));
        variants.put("runc run (cgroupfs)", r -> external(List.of("/usr/sbin/runc", "run", "-b", bundle.toString(),
                "bench-runc-" + r)));
        variants.put("corral linux launcher (pid+shared, 2 vols)", r -> corral(r, ro, rw, roTarget, rwTarget, false));
        variants.put("corral ... + exit status file", r -> corral(r, ro, rw, roTarget, rwTarget, true));
        variants.put("corral rootfs (pid+filesystem/linux, pivot)", r -> corralRootfs(r, rootfs));

        List<String> names = new ArrayList<>(variants.keySet());
        for (int warm = 0; warm < 20; warm++) {
            for (String n : names) {
                variants.get(n).run(-1 - warm);
            }
        }
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, List<Double>> ratio = new LinkedHashMap<>();
        names.forEach(n -> {
            ms.put(n, new ArrayList<>());
            cpu.put(n, new ArrayList<>());
            ratio.put(n, new ArrayList<>());
        });
        String crun = "crun run (cgroupfs)";
        for (int r = 0; r < rounds; r++) {
            List<String> order = new ArrayList<>(names);
            Collections.shuffle(order);
            Map<String, Double> row = new LinkedHashMap<>();
            for (String n : order) {
                long[] result = variants.get(n).run(r);
                row.put(n, result[0] / 1e6);
                ms.get(n).add(result[0] / 1e6);
                cpu.get(n).add(result[1] / 1e3);
            }
            for (String n : names) {
                ratio.get(n).add(row.get(n) / row.get(crun));
            }
        }
        System.out.printf("%d interleaved rounds after 20 warm-up rounds; load %s%n", rounds,
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("| %-44s | %7s | %7s | %7s | %9s | %11s |%n", "variant", "median", "p90", "min", "x crun",
                "mean CPU ms/launch");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (String n : names) {
            List<Double> v = new ArrayList<>(ms.get(n));
            Collections.sort(v);
            System.out.printf("| %-44s | %7.2f | %7.2f | %7.2f | %9.2f | %11.2f |%n", n, median(v),
                    v.get((int) Math.ceil(0.9 * v.size()) - 1), v.get(0), median(ratio.get(n)), mean(cpu.get(n)));
        }
    }

    /**
     * The JVM's process CPU clock advances in 10 ms ticks, so one launch reads 0 or 10 ms: only the
     * mean over many launches says what a launch costs (the ticks land in proportion).
     */
    static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static long[] external(List<String> argv) throws Exception {
        long t0 = System.nanoTime();
        long pid;
        try (Spawn.Request r = Spawn.request()) {
            r.addopen(0, "/dev/null", Spawn.O_RDONLY, 0)
                    .addopen(1, "/dev/null", Spawn.O_WRONLY, 0)
                    .addopen(2, work.resolve("external.err").toString(),
                            Spawn.O_WRONLY | Spawn.O_CREAT | Spawn.O_TRUNC, 0644)
                    .addclosefrom_np(3).setsigmaskEmptyAndSigdefaultAll()
                    .program(argv.get(0), argv, List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
            pid = r.posix_spawn();
        }
        Processes.Exit exit = Processes.wait4(pid);
        long wall = System.nanoTime() - t0;
        if (exit.status() != 0) {
            throw new IllegalStateException(argv + " failed: status " + exit.status() + ": "
                    + Files.readString(work.resolve("external.err")));
        }
        return new long[] {wall, exit.userMicros() + exit.systemMicros()};
    }

    static long[] corral(int round, Path ro, Path rw, Path roTarget, Path rwTarget, boolean statusFile) throws Exception {
        Path sandbox = Files.createDirectories(work.resolve("sandbox"));
        ContainerID id = ContainerID.newBuilder().setValue("bench-" + (statusFile ? "s" : "p") + round).build();
        ContainerConfig config = ContainerConfig.newBuilder().setDirectory(sandbox.toString())
                .setCommandInfo(CommandInfo.newBuilder().setValue("/bin/true"))
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                        .addVolumes(Volume.newBuilder().setHostPath(ro.toString()).setContainerPath(roTarget.toString())
                                .setMode(Volume.Mode.RO))
                        .addVolumes(Volume.newBuilder().setHostPath(rw.toString()).setContainerPath(rwTarget.toString())
                                .setMode(Volume.Mode.RW)))
                .build();
        return timed(id, config, isolators, sandbox, Map.of("PATH", "/usr/bin:/bin"), sandbox,
                statusFile ? sandbox.resolve("status") : null);
    }

    /** The same busybox root filesystem as crun's bundle, entered with pivot_root (filesystem/linux). */
    static long[] corralRootfs(int round, Path rootfs) throws Exception {
        Path sandbox = Files.createDirectories(work.resolve("sandbox"));
        ContainerID id = ContainerID.newBuilder().setValue("bench-r" + round).build();
        ContainerConfig config = ContainerConfig.newBuilder().setDirectory(sandbox.toString()).setRootfs(rootfs.toString())
                .setCommandInfo(CommandInfo.newBuilder().setValue("/bin/true")).build();
        return timed(id, config, rootfsIsolators, sandbox, Map.of("PATH", "/bin"), Path.of("/"), null);
    }

    /** Prepare, launch, start and wait for one container: {wall nanos, CPU micros of agent and container}. */
    static long[] timed(ContainerID id, ContainerConfig config, List<Isolator> with, Path sandbox, Map<String, String> env,
            Path workingDirectory, Path statusFile) throws Exception {
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        ContainerLaunchInfo.Builder merged = ContainerLaunchInfo.newBuilder();
        for (Isolator isolator : with) {
            isolator.prepare(id, config).ifPresent(merged::mergeFrom);
        }
        List<Integer> clone = List.copyOf(new TreeSet<>(merged.getCloneNamespacesList()));
        merged.clearCloneNamespaces().addAllCloneNamespaces(clone);
        if (config.hasRootfs()) {
            merged.setRootfs(config.getRootfs());
        }
        LaunchSpec spec = new LaunchSpec(id, sandbox, merged.build(), List.of("/bin/true"), env, workingDirectory, null,
                sandbox.resolve("stdout"), sandbox.resolve("stderr"), statusFile);
        LinuxContainer c = (LinuxContainer) launcher.launch(spec);
        c.start();
        int status = c.exit().get(30, TimeUnit.SECONDS);
        long wall = System.nanoTime() - t0;
        long agentCpu = (OS.getProcessCpuTime() - cpu0) / 1000;
        if (status != 0) {
            throw new IllegalStateException("corral launch " + id.getValue() + " failed: " + status + ": "
                    + Files.readString(spec.stderr()));
        }
        return new long[] {wall, agentCpu + c.cpuMicros()};
    }

    static List<Isolator> isolators(String... ids) {
        Map<String, IsolatorProvider> providers = new LinkedHashMap<>();
        ServiceLoader.load(IsolatorProvider.class).forEach(p -> providers.put(p.id(), p));
        Config config = ConfigFactory.load();
        IsolatorContext context = new IsolatorContext() {
            public Config config() { return config; }
            public Path workDir() { return work; }
            public Path runtimeDir() { return work; }
            public Path stateDir() { return work; }
            public List<String> isolation() { return List.of(ids); }
            public boolean isRoot() { return true; }
        };
        List<Isolator> result = new ArrayList<>();
        for (String id : ids) {
            result.add(Optional.ofNullable(providers.get(id)).orElseThrow(() -> new IllegalStateException("no " + id))
                    .create(context).isolator().orElseThrow());
        }
        return result;
    }
}
