package corral.isolator.cgroups;

import corral.bindings.CgroupFs;
import corral.bindings.Errno;
import corral.bindings.NativeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup hierarchies mounted in this mount namespace, read from {@code /proc/self/mountinfo}:
 * v1 (one hierarchy per controller group), v2 (the unified hierarchy), or both ("hybrid", as
 * systemd's legacy layout mounts cgroup2 at {@code /sys/fs/cgroup/unified}). An instance is a
 * snapshot; call {@link #detect()} again after mounting. Immutable and thread-safe.
 */
public final class Hierarchies {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Path PROC_CGROUPS = Path.of("/proc/cgroups");
    /** Mount options of cgroup v1 mounts that are not controllers. */
    private static final Set<String> NOT_CONTROLLERS = Set.of("rw", "ro", "noprefix", "clone_children", "xattr",
            "cpuset_v2_mode", "favordynmods", "nsdelegate", "memory_recursiveprot", "memory_localevents",
            "memory_hugetlb_accounting");

    private final List<Hierarchy> all;

    private Hierarchies(List<Hierarchy> all) {
        this.all = List.copyOf(all);
    }

    /**
     * @return the hierarchies mounted now
     * @throws NativeException when {@code /proc/self/mountinfo} cannot be read
     */
    public static Hierarchies detect() throws NativeException {
        return parse(CgroupFs.read(MOUNTINFO));
    }

    /**
     * @param mountinfo the text of a {@code /proc/<pid>/mountinfo} file
     * @return the cgroup hierarchies it lists (only mounts of a hierarchy's root; bind mounts of a
     *     sub-cgroup are skipped), in mount order
     */
    public static Hierarchies parse(String mountinfo) {
        List<Hierarchy> found = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (dash < 6 || f.length < dash + 4 || !"/".equals(f[3])) {
                continue;
            }
            String type = f[dash + 1];
            Path mountPoint = Path.of(unescape(f[4]));
            if (type.equals("cgroup")) {
                Set<String> controllers = new LinkedHashSet<>();
                for (String option : f[dash + 3].split(",")) {
                    if (!NOT_CONTROLLERS.contains(option) && (!option.contains("=") || option.startsWith("name="))) {
                        controllers.add(option);
                    }
                }
                if (seen.add(mountPoint)) {
                    found.add(new Hierarchy(mountPoint, CgroupVersion.V1, controllers));
                }
            } else if (type.equals("cgroup2") && seen.add(mountPoint)) {
                found.add(new Hierarchy(mountPoint, CgroupVersion.V2, v2Controllers(mountPoint)));
            }
        }
        return new Hierarchies(found);
    }

    private static Set<String> v2Controllers(Path mountPoint) {
        try {
            String text = Files.readString(mountPoint.resolve("cgroup.controllers")).trim();
            return text.isEmpty() ? Set.of() : Set.of(text.split(" "));
        } catch (IOException | RuntimeException e) {
            return Set.of(); // a parsed, not mounted, table (tests) or an unreadable mount
        }
    }

    private static String unescape(String field) {
        // mountinfo escapes space, tab, newline and backslash as \ooo
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** @return every cgroup hierarchy mounted, in mount order */
    public List<Hierarchy> all() {
        return all;
    }

    /**
     * @param controller a v1 controller name, such as {@code net_cls} or {@code freezer}
     * @return the v1 hierarchy it is attached to, if one is mounted
     */
    public Optional<Hierarchy> v1(String controller) {
        return all.stream()
                .filter(h -> h.version() == CgroupVersion.V1 && h.controllers().contains(controller))
                .findFirst();
    }

    /**
     * @return the v2 unified hierarchy, if mounted (at {@code /sys/fs/cgroup} on a v2 host, at
     *     {@code /sys/fs/cgroup/unified} on a hybrid one)
     */
    public Optional<Hierarchy> unified() {
        return all.stream().filter(h -> h.version() == CgroupVersion.V2).findFirst();
    }

    /**
     * @param hierarchyRoot {@code --cgroups_hierarchy}
     * @return whether the unified (v2) hierarchy is mounted at {@code hierarchyRoot} itself: a v2
     *     host, where v1-only controllers (net_cls) have no place, as Mesos decides
     */
    public boolean isUnifiedAt(Path hierarchyRoot) {
        return unified().filter(h -> h.mountPoint().equals(hierarchyRoot)).isPresent();
    }

    /**
     * The hierarchy a launcher keeps each container's processes in, to find and kill them all:
     * the unified hierarchy on a v2 host, else the v1 freezer hierarchy (as Mesos's Linux launcher),
     * else the unified hierarchy of a hybrid host.
     *
     * @param hierarchyRoot {@code --cgroups_hierarchy}
     * @return the hierarchy, or empty when neither freezer nor cgroup2 is mounted
     */
    public Optional<Hierarchy> forProcessTracking(Path hierarchyRoot) {
        if (isUnifiedAt(hierarchyRoot)) {
            return unified();
        }
        return v1("freezer").or(this::unified);
    }

    /**
     * Says, without changing anything, why {@link #mountV1} could not give a controller's v1
     * hierarchy: the kernel lacks or disables it, or it is bound to the v2 hierarchy.
     *
     * @param controller a v1 controller, such as {@code net_cls}
     * @return the reason, or empty when it is mounted or can be
     * @throws NativeException when {@code /proc/cgroups} cannot be read
     */
    public Optional<String> v1Unavailable(String controller) throws NativeException {
        if (v1(controller).isPresent()) {
            return Optional.empty();
        }
        String[] entry = CgroupFs.read(PROC_CGROUPS).lines()
                .map(l -> l.split("\\s+")).filter(f -> f.length == 4 && f[0].equals(controller))
                .findFirst().orElse(null);
        if (entry == null) {
            return Optional.of("this kernel has no " + controller + " controller");
        }
        if (!entry[3].equals("1")) {
            return Optional.of("the " + controller + " controller is disabled (cgroup_disable on the kernel command line)");
        }
        Optional<Hierarchy> unified = unified().filter(h -> h.controllers().contains(controller));
        if (unified.isPresent()) {
            return Optional.of("the " + controller + " controller is bound to the cgroup v2 hierarchy at "
                    + unified.get().mountPoint());
        }
        return Optional.empty();
    }

    /**
     * Returns the v1 hierarchy of a controller, mounting it at {@code <hierarchyRoot>/<controller>}
     * first when it is not mounted ({@code mount -t cgroup -o <controller> <controller> <target>}), as
     * Mesos does.
     *
     * @param controller a v1 controller, such as {@code net_cls}
     * @param hierarchyRoot {@code --cgroups_hierarchy}, such as {@code /sys/fs/cgroup}
     * @return the mounted hierarchy
     * @throws NativeException naming the call, path and errno; {@code mount ...: EBUSY} when the
     *     controller is bound to another hierarchy (for example to v2), ENOENT when the kernel lacks it
     */
    public static Hierarchy mountV1(String controller, Path hierarchyRoot) throws NativeException {
        if (!controller.matches("[a-z_]+")) {
            throw new IllegalArgumentException("Invalid cgroup controller name '" + controller + "'");
        }
        // another agent (or test JVM) may be mounting it right now: two mounts would stack
        try (CgroupFs.Lock lock = CgroupFs.flock(hierarchyRoot)) {
            Optional<Hierarchy> existing = detect().v1(controller);
            if (existing.isPresent()) {
                return existing.get();
            }
            Path target = hierarchyRoot.resolve(controller);
            try {
                CgroupFs.mkdir(target, 0755);
            } catch (NativeException e) {
                if (e.errno().number() != Errno.EEXIST) {
                    throw e;
                }
            }
            CgroupFs.mount(controller, target, "cgroup", controller);
            return detect().v1(controller).orElseThrow(
                    () -> new NativeException("mount", target.toString(), new Errno(Errno.ENOENT)));
        }
    }
}
