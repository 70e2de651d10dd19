package corral.agent.discovery;

import corral.agent.config.AgentSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns {@code --isolation} (and {@code --image_providers}) into the ordered list of isolators to
 * create, with Mesos's checks and messages ({@code MesosContainerizer::create}). Dependencies
 * between isolators are checked by exact name, never by substring as Mesos does. Thread-safe.
 */
public final class IsolationSelector {

    /** The filesystem isolator added when {@code --isolation} names none. */
    public static final String DEFAULT_FILESYSTEM = "filesystem/posix";

    /** Mesos's order of built-in isolators: {@code prepare} runs in it, {@code cleanup} in reverse. */
    static final List<String> BUILTIN_ORDER = List.of(
            "filesystem/posix", "filesystem/linux", "filesystem/shared", "posix/cpu", "posix/mem", "posix/rlimits",
            "cgroups/*", "appc/runtime", "docker/runtime", "linux/devices", "linux/capabilities", "linux/nnp",
            "namespaces/ipc", "namespaces/pid", "volume/sandbox_path", "docker/volume", "volume/host_path",
            "volume/image", "volume/secret", "volume/csi", "disk/du", "disk/xfs", "linux/seccomp", "gpu/nvidia",
            "network/cni", "network/port_mapping", "network/ports", "environment_secret");

    /** Deprecated {@code --isolation} names and what they stand for. */
    static final Map<String, List<String>> DEPRECATED = Map.of(
            "process", List.of("posix/cpu", "posix/mem"),
            "cgroups", List.of("cgroups/cpu", "cgroups/mem"),
            "posix/disk", List.of("disk/du"));

    private static final Set<String> LAUNCHERS = Set.of("auto", "linux", "posix");

    /**
     * The outcome of a selection.
     *
     * @param isolation every selected id, in resolved order (including an implicit {@code filesystem/posix})
     * @param isolators the providers to create, in order
     * @param warnings deprecations, one sentence each
     * @param problems why the selection is invalid, one sentence each; empty when valid
     */
    public record Selection(List<String> isolation, List<DiscoveredIsolator> isolators, List<String> warnings,
            List<String> problems) {

        /** Copies the lists. */
        public Selection {
            isolation = List.copyOf(isolation);
            isolators = List.copyOf(isolators);
            warnings = List.copyOf(warnings);
            problems = List.copyOf(problems);
        }
    }

    private IsolationSelector() {
    }

    /**
     * @param settings the agent settings
     * @param catalog every provider found
     * @return the selection, with every problem found
     */
    public static Selection select(AgentSettings settings, IsolatorCatalog catalog) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        problems.addAll(catalog.duplicates().values());

        List<String> tokens = new ArrayList<>();
        for (String token : settings.isolation().split(",")) {
            if (!token.isBlank()) {
                tokens.add(token.strip());
            }
        }
        if (new LinkedHashSet<>(tokens).size() != tokens.size()) {
            problems.add("Duplicate entries found in --isolation flag '[ " + String.join(", ", tokens) + " ]'");
        }

        LinkedHashSet<String> names = new LinkedHashSet<>();
        List<String> deprecated = new ArrayList<>();
        for (String token : tokens) {
            List<String> replacement = DEPRECATED.get(token);
            if (replacement != null) {
                deprecated.add(token);
                names.addAll(replacement);
            } else {
                names.add(token);
            }
        }
        for (String old : deprecated) {
            warnings.add("The '" + old + "' isolation flag is deprecated, please update your flags to '--isolation="
                    + String.join(",", names) + "'.");
        }

        List<String> filesystems = names.stream().filter(n -> n.startsWith("filesystem/")).toList();
        if (filesystems.isEmpty()) {
            names.add(DEFAULT_FILESYSTEM);
        } else if (filesystems.size() > 1) {
            problems.add("Using multiple filesystem isolators simultaneously is disallowed");
        }

        if (!LAUNCHERS.contains(settings.launcher())) {
            problems.add("Unknown or unsupported launcher: " + settings.launcher());
        }
        if (!settings.imageProviders().isEmpty()) {
            checkImageProviders(settings.imageProviders(), names, settings, problems);
        }

        List<DiscoveredIsolator> selected = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            if (catalog.duplicates().containsKey(name)) {
                continue; // already reported
            }
            Optional<DiscoveredIsolator> provider = catalog.find(name);
            if (provider.isPresent()) {
                selected.add(provider.get());
            } else if (!name.equals(DEFAULT_FILESYSTEM)) {
                // filesystem/posix without a provider is the plain host filesystem: nothing to do
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            String available = catalog.isolators().stream().map(DiscoveredIsolator::id).distinct().sorted()
                    .collect(Collectors.joining(", "));
            for (String name : unknown) {
                problems.add("Unknown or unsupported isolator '" + name + "' (available: "
                        + (available.isEmpty() ? "none" : available) + ")");
            }
        }

        List<String> flagOrder = List.copyOf(names);
        selected.sort(Comparator.comparingInt((DiscoveredIsolator i) -> rank(i, flagOrder)));
        List<String> isolation = new ArrayList<>(names);
        isolation.sort(Comparator.comparingInt((String n) -> rank(n, selected, flagOrder)));
        return new Selection(isolation, selected, warnings, problems);
    }

    /**
     * @return the order isolators are listed in: built-ins in Mesos's table order (others after them),
     *     then plugins; ties by id
     */
    public static Comparator<DiscoveredIsolator> listingOrder() {
        return Comparator.comparingInt((DiscoveredIsolator i) -> i.origin() == Origin.PLUGIN ? 2
                : tableIndex(i.id()) >= 0 ? 0 : 1)
                .thenComparingInt(i -> tableIndex(i.id()))
                .thenComparing(DiscoveredIsolator::id);
    }

    private static void checkImageProviders(List<String> types, Set<String> names, AgentSettings settings,
            List<String> problems) {
        boolean docker = false;
        for (String type : types) {
            if (type.equalsIgnoreCase("DOCKER")) {
                docker = true;
            } else {
                problems.add("Unknown image type '" + type + "'");
            }
        }
        if (!names.contains("filesystem/linux")) {
            problems.add("The 'filesystem/linux' isolator must be enabled for container image support");
        }
        if (settings.launcher().equals("posix")) {
            problems.add("The 'linux' launcher must be used for container image support");
        }
        if (docker && !names.contains("docker/runtime")) {
            problems.add("Docker runtime isolator has to be specified if 'DOCKER' is included in 'image_providers'. "
                    + "Please add 'docker/runtime' to '--isolation' flags");
        }
    }

    /** Built-ins by Mesos's table, then built-ins it does not know, then plugins; ties by flag order. */
    private static int rank(DiscoveredIsolator isolator, List<String> flagOrder) {
        int inFlags = flagOrder.indexOf(isolator.id());
        if (isolator.origin() == Origin.PLUGIN) {
            return 2000 + inFlags;
        }
        int table = tableIndex(isolator.id());
        return table >= 0 ? table * 10 : 1000 + inFlags;
    }

    private static int rank(String name, List<DiscoveredIsolator> selected, List<String> flagOrder) {
        for (DiscoveredIsolator i : selected) {
            if (i.id().equals(name)) {
                return rank(i, flagOrder);
            }
        }
        int table = tableIndex(name);
        return table >= 0 ? table * 10 : 1000 + flagOrder.indexOf(name);
    }

    private static int tableIndex(String id) {
        int exact = BUILTIN_ORDER.indexOf(id);
        if (exact >= 0) {
            return exact;
        }
        return id.startsWith("cgroups/") ? BUILTIN_ORDER.indexOf("cgroups/*") : -1;
    }
}
