// Launch-to-final-status latency of /bin/true through the whole containerizer (prepare, merge, launch
// held, isolate, release, exit, cleanup) against a bare ProcessBuilder start+waitFor of /bin/true, in a
// warm JVM, interleaved in shuffled order each round. Run by ./run.
import corral.agent.containerizer.ContainerizerSettings;
import corral.agent.containerizer.DefaultContainerizer;
import corral.agent.containerizer.FinalStatus;
import corral.agent.containerizer.LaunchRequest;
import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.Origin;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.launcher.Launcher;
import corral.agent.launcher.linux.LinuxLauncher;
import corral.agent.launcher.posix.PosixLauncher;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

public class ContainerizerBench {

    interface Variant {
        long run(int round) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        List<PlannedIsolator> posix = new ArrayList<>();
        for (IsolatorProvider p : ServiceLoader.load(IsolatorProvider.class)) {
            if (p.id().equals("posix/cpu") || p.id().equals("posix/mem")) {
                posix.add(new PlannedIsolator(p.id(), "", "", Origin.BUILTIN, "", p.create(null).isolator().orElseThrow()));
            }
        }
        ContainerizerSettings settings = new ContainerizerSettings(work.resolve("work"), work.resolve("run"),
                "/mnt/mesos/sandbox", Duration.ofSeconds(1), Optional.empty(), "127.0.0.1");
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("ProcessBuilder /bin/true (floor)", r -> {
            long t0 = System.nanoTime();
            new ProcessBuilder("/bin/true").start().waitFor();
            return System.nanoTime() - t0;
        });
        variants.put("containerizer, posix launcher, posix/cpu+mem", containerizer(settings, posix, new PosixLauncher(), "p"));
        if ("root".equals(System.getProperty("user.name"))) {
            variants.put("containerizer, linux launcher, posix/cpu+mem",
                    containerizer(settings, posix, new LinuxLauncher("corral-bench-containerizer"), "l"));
        }
        Map<String, List<Long>> times = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        variants.keySet().forEach(k -> { times.put(k, new ArrayList<>()); ratios.put(k, new ArrayList<>()); });
        List<String> order = new ArrayList<>(variants.keySet());
        for (int round = -10; round < rounds; round++) {
            Collections.shuffle(order);
            Map<String, Long> one = new LinkedHashMap<>();
            for (String k : order) {
                one.put(k, variants.get(k).run(round));
            }
            if (round >= 0) {
                long floor = one.get("ProcessBuilder /bin/true (floor)");
                one.forEach((k, v) -> { times.get(k).add(v); ratios.get(k).add((double) v / floor); });
            }
        }
        System.out.printf("%-48s %10s %10s %10s %12s%n", "variant", "median ms", "p90 ms", "min ms", "x floor");
        for (String k : variants.keySet()) {
            List<Long> t = new ArrayList<>(times.get(k));
            List<Double> q = new ArrayList<>(ratios.get(k));
            Collections.sort(t);
            Collections.sort(q);
            System.out.printf("%-48s %10.2f %10.2f %10.2f %12.1f%n", k, t.get(t.size() / 2) / 1e6,
                    t.get(t.size() * 9 / 10) / 1e6, t.get(0) / 1e6, q.get(q.size() / 2));
        }
    }

    static Variant containerizer(ContainerizerSettings settings, List<PlannedIsolator> isolators, Launcher launcher,
            String prefix) {
        DefaultContainerizer containerizer = new DefaultContainerizer(settings, new IsolatorPlan(isolators), launcher);
        return round -> {
            ContainerID id = ContainerID.newBuilder().setValue("bench-" + prefix + "-" + (round + 10)).build();
            long t0 = System.nanoTime();
            containerizer.launch(new LaunchRequest(id, CommandInfo.newBuilder().setShell(false).setValue("/bin/true")
                    .addArguments("true").build(), Optional.empty(), List.of(), Optional.empty()));
            FinalStatus status = containerizer.wait(id).orElseThrow().join();
            long elapsed = System.nanoTime() - t0;
            if (status.exitCode() != 0) {
                throw new IllegalStateException("bench container failed: " + status);
            }
            containerizer.remove(id);
            return elapsed;
        };
    }
}
