package corral.agent.discovery;

import corral.agent.config.ReferenceConf;
import corral.isolator.spi.IsolatorProvider;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every isolator provider the agent can see: the boot layer's (built-in) and the plugins of
 * {@code --modules_dir}, each in a module layer of its own so that one broken plugin cannot break
 * another. A plugin is a jar directly in the directory, or a subdirectory whose jars (the plugin and
 * the libraries it needs) form one layer. Refused plugins and providers are reported, never silently
 * dropped. Immutable.
 */
public final class IsolatorCatalog {

    private final List<DiscoveredIsolator> isolators;
    private final Map<String, String> duplicates;
    private final List<String> warnings;
    private final List<ReferenceConf> pluginReferences;
    private final List<Module> pluginModules;

    private IsolatorCatalog(List<DiscoveredIsolator> isolators, List<String> warnings,
            List<ReferenceConf> pluginReferences, List<Module> pluginModules) {
        this.isolators = List.copyOf(isolators);
        this.warnings = List.copyOf(warnings);
        this.pluginReferences = List.copyOf(pluginReferences);
        this.pluginModules = List.copyOf(pluginModules);
        Map<String, List<DiscoveredIsolator>> byId = isolators.stream()
                .collect(Collectors.groupingBy(DiscoveredIsolator::id, LinkedHashMap::new, Collectors.toList()));
        Map<String, String> dup = new LinkedHashMap<>();
        byId.forEach((id, claims) -> {
            if (claims.size() > 1) {
                dup.put(id, "Isolator '" + id + "' is provided by more than one module: " + claims.stream()
                        .map(c -> "'" + c.module() + "' (" + c.location() + ")").collect(Collectors.joining(" and "))
                        + "; remove all but one");
            }
        });
        this.duplicates = dup;
    }

    /**
     * @param isolators providers found some other way (tests, embedding agents)
     * @return a catalog of exactly those
     */
    public static IsolatorCatalog of(List<DiscoveredIsolator> isolators) {
        return new IsolatorCatalog(isolators, List.of(), List.of(), List.of());
    }

    /**
     * Finds the boot layer's providers and loads every jar of {@code modulesDir}.
     *
     * @param modulesDir the plugin directory, if any
     * @return the catalog
     */
    public static IsolatorCatalog discover(Optional<Path> modulesDir) {
        List<DiscoveredIsolator> found = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<ReferenceConf> references = new ArrayList<>();
        List<Module> modules = new ArrayList<>();
        collect(ModuleLayer.boot(), Origin.BUILTIN, found, warnings);
        if (modulesDir.isPresent()) {
            for (Path plugin : plugins(modulesDir.get(), warnings)) {
                loadPlugin(plugin, found, warnings, references, modules);
            }
        }
        return new IsolatorCatalog(found, warnings, references, modules);
    }

    /** @return the jars and subdirectories of the plugin directory, by name */
    private static List<Path> plugins(Path dir, List<String> warnings) {
        if (!Files.isDirectory(dir)) {
            warnings.add("--modules_dir '" + dir + "' is not a directory; no plugins loaded");
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") || Files.isDirectory(f)).sorted()
                    .toList();
        } catch (IOException e) {
            warnings.add("Cannot list --modules_dir '" + dir + "': " + e.getMessage());
            return List.of();
        }
    }

    private static void loadPlugin(Path plugin, List<DiscoveredIsolator> found, List<String> warnings,
            List<ReferenceConf> references, List<Module> modules) {
        String skipping = "Skipping plugin '" + plugin + "': ";
        try {
            ModuleFinder finder = ModuleFinder.of(plugin);
            Set<ModuleReference> refs = finder.findAll();
            if (refs.isEmpty()) {
                warnings.add(skipping + "no module in it");
                return;
            }
            for (ModuleReference ref : refs) {
                Optional<String> refusal = SpiVersions.checkDescriptor(ref.descriptor());
                if (refusal.isPresent()) {
                    warnings.add(skipping + refusal.get());
                    return;
                }
            }
            Set<String> roots = refs.stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
            Configuration cf = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
            ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
            for (Module m : layer.modules()) {
                modules.add(m);
                ReferenceConf.of(m).ifPresent(references::add);
            }
            collect(layer, Origin.PLUGIN, found, warnings);
        } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException e) {
            warnings.add(skipping + e.getMessage());
        } catch (RuntimeException e) {
            // a malformed reference.conf, an unreadable jar: still only this plugin's problem
            warnings.add(skipping + e);
        }
    }

    private static void collect(ModuleLayer layer, Origin origin, List<DiscoveredIsolator> found,
            List<String> warnings) {
        Iterator<ServiceLoader.Provider<IsolatorProvider>> it =
                ServiceLoader.load(layer, IsolatorProvider.class).stream().iterator();
        for (int errors = 0; errors < 100; ) {
            ServiceLoader.Provider<IsolatorProvider> candidate;
            try {
                if (!it.hasNext()) {
                    return;
                }
                candidate = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                warnings.add("Skipping an isolator provider: " + e.getMessage());
                errors++;
                continue;
            }
            Module module = candidate.type().getModule();
            if (module.getLayer() != layer) {
                continue; // a parent layer's provider: already collected there
            }
            accept(candidate, module, origin, found, warnings);
        }
    }

    private static void accept(ServiceLoader.Provider<IsolatorProvider> candidate, Module module, Origin origin,
            List<DiscoveredIsolator> found, List<String> warnings) {
        String name = module.getName();
        String refused = "Refusing isolator provider " + candidate.type().getName() + " of module '" + name + "': ";
        try {
            IsolatorProvider provider = candidate.get();
            Optional<String> incompatible = SpiVersions.checkProvider(provider, name);
            if (incompatible.isPresent()) {
                warnings.add(refused + incompatible.get());
                return;
            }
            String id = provider.id();
            if (id == null || !IsolatorProvider.ID_PATTERN.matcher(id).matches()) {
                warnings.add(refused + "its id '" + id + "' does not match " + IsolatorProvider.ID_PATTERN.pattern());
                return;
            }
            String description = Optional.ofNullable(provider.description()).orElse("");
            String version = module.getDescriptor() == null ? "unversioned"
                    : module.getDescriptor().rawVersion().orElse("unversioned");
            String location = layerLocation(module);
            found.add(new DiscoveredIsolator(id, version, name, origin, description, location, provider));
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            warnings.add(refused + e);
        }
    }

    private static String layerLocation(Module module) {
        return module.getLayer() == null ? "unnamed" : module.getLayer().configuration().findModule(module.getName())
                .flatMap(m -> m.reference().location()).map(u -> "file".equals(u.getScheme())
                        ? Path.of(u).toString() : u.toString())
                .orElse("unknown location");
    }

    /** @return every accepted provider, built-ins first, each plugin jar in file name order */
    public List<DiscoveredIsolator> isolators() {
        return isolators;
    }

    /**
     * @param id an isolator id
     * @return the one provider of that id; empty when none or when several claim it
     */
    public Optional<DiscoveredIsolator> find(String id) {
        List<DiscoveredIsolator> claims = isolators.stream().filter(i -> i.id().equals(id)).toList();
        return claims.size() == 1 ? Optional.of(claims.get(0)) : Optional.empty();
    }

    /** @return for each id claimed by several modules, the error naming them */
    public Map<String, String> duplicates() {
        return duplicates;
    }

    /** @return refused plugins and providers, one sentence each */
    public List<String> warnings() {
        return warnings;
    }

    /** @return the {@code reference.conf} of every loaded plugin module */
    public List<ReferenceConf> pluginReferences() {
        return pluginReferences;
    }

    /** @return every module of the loaded plugin layers */
    public List<Module> pluginModules() {
        return pluginModules;
    }
}
