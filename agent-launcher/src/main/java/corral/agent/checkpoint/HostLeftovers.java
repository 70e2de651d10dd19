package corral.agent.checkpoint;

import corral.bindings.Mountinfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a dead container can leave on the host besides its checkpoint: cgroups named after it under
 * {@code --cgroups_root} in every mounted hierarchy (v1 and v2), and mounts under its sandbox or
 * runtime directory. Found from {@code /proc/self/mountinfo}; removed with their processes killed.
 */
public final class HostLeftovers {

    private static final System.Logger LOG = System.getLogger(HostLeftovers.class.getName());

    private final Path mountinfo;

    /** Reads the host's own {@code /proc/self/mountinfo}. */
    public HostLeftovers() {
        this(Path.of("/proc/self/mountinfo"));
    }

    /** @param mountinfo a mountinfo file */
    HostLeftovers(Path mountinfo) {
        this.mountinfo = mountinfo;
    }

    /**
     * @param cgroupsRoot the {@code --cgroups_root} name, relative to each hierarchy
     * @return the names of the container cgroups under it, in every hierarchy
     */
    public Set<String> containerCgroups(String cgroupsRoot) {
        Set<String> names = new TreeSet<>();
        for (Path root : cgroupRoots(cgroupsRoot)) {
            try (Stream<Path> children = Files.list(root)) {
                children.filter(Files::isDirectory).forEach(p -> names.add(p.getFileName().toString()));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot list " + root + ": " + e.getMessage());
            }
        }
        return names;
    }

    /**
     * Kills every process in the container's cgroups and removes them, in every hierarchy.
     *
     * @param cgroupsRoot the {@code --cgroups_root} name
     * @param containerId the container id (its cgroup's name)
     * @return problems, one sentence each; empty when everything was removed
     */
    public List<String> destroyCgroups(String cgroupsRoot, String containerId) {
        List<String> problems = new ArrayList<>();
        for (Path root : cgroupRoots(cgroupsRoot)) {
            Path cgroup = root.resolve(containerId);
            if (!Files.isDirectory(cgroup)) {
                continue;
            }
            try {
                List<Path> tree;
                try (Stream<Path> walk = Files.walk(cgroup)) {
                    tree = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
                }
                long deadline = System.nanoTime() + 10_000_000_000L;
                for (Path dir : tree) {
                    killAll(dir, deadline);
                    Files.delete(dir); // rmdir; a cgroup's control files are not real files
                }
            } catch (IOException e) {
                problems.add("remove cgroup " + cgroup + ": " + e);
            }
        }
        return problems;
    }

    private static void killAll(Path cgroup, long deadline) throws IOException {
        Path procs = cgroup.resolve("cgroup.procs");
        Path kill = cgroup.resolve("cgroup.kill");
        Path freezer = cgroup.resolve("freezer.state");
        if (Files.exists(freezer)) {
            try {
                Files.writeString(freezer, "THAWED"); // a frozen process never receives its SIGKILL
            } catch (IOException e) {
                // the root cgroup of a hierarchy has no freezer.state to write
            }
        }
        if (Files.exists(kill)) {
            try {
                Files.writeString(kill, "1");
            } catch (IOException e) {
                // cgroup.kill exists only from Linux 5.14; fall through to signalling each process
            }
        }
        while (Files.exists(procs)) {
            List<String> pids = Files.readAllLines(procs, StandardCharsets.US_ASCII).stream()
                    .filter(s -> !s.isBlank()).toList();
            if (pids.isEmpty()) {
                return;
            }
            for (String pid : pids) {
                ProcessIdentity.of(Long.parseLong(pid.trim())).ifPresent(p -> Signals.send(p, Signals.SIGKILL));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("processes " + pids + " in " + cgroup + " survive SIGKILL");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while killing the processes of " + cgroup, e);
            }
        }
    }

    /**
     * Detaches every mount at or below the given directories, deepest first ({@code umount -l}, as
     * Mesos detaches a dead container's mounts).
     *
     * @param roots directories such as a dead container's sandbox and runtime directory
     * @return problems, one sentence each
     */
    public List<String> unmountUnder(List<Path> roots) {
        List<String> problems = new ArrayList<>();
        List<Path> targets = mounts().stream().map(Mountinfo.Mount::mountPoint)
                .filter(m -> roots.stream().anyMatch(r -> m.startsWith(r.toAbsolutePath().normalize())))
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
        for (Path target : targets) {
            try {
                Process umount = new ProcessBuilder("umount", "-l", target.toString()).redirectErrorStream(true).start();
                String out = new String(umount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (umount.waitFor() != 0) {
                    problems.add("umount -l " + target + ": " + out);
                }
            } catch (IOException e) {
                problems.add("umount -l " + target + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add("umount -l " + target + ": interrupted");
            }
        }
        return problems;
    }

    private List<Path> cgroupRoots(String cgroupsRoot) {
        Set<Path> roots = new TreeSet<>();
        for (Mountinfo.Mount m : mounts()) {
            if (m.type().equals("cgroup") || m.type().equals("cgroup2")) {
                Path root = m.mountPoint().resolve(cgroupsRoot);
                if (Files.isDirectory(root)) {
                    roots.add(root);
                }
            }
        }
        return List.copyOf(roots);
    }

    private List<Mountinfo.Mount> mounts() {
        try {
            return Mountinfo.read(mountinfo);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read " + mountinfo + ": " + e.getMessage());
            return List.of();
        }
    }
}
