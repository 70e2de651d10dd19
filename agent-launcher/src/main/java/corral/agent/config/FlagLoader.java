package corral.agent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import corral.isolator.spi.MesosValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves flags from their sources with Mesos's syntax and messages. Precedence: command line,
 * then {@code MESOS_<NAME>} environment variables, then the {@code --config} HOCON file, then the
 * modules' defaults. Every problem is collected; nothing is half-applied. Thread-safe.
 */
public final class FlagLoader {

    /** The flag naming the HOCON file. */
    public static final String CONFIG_FLAG = "config";

    /**
     * Flags whose value names a file the agent reads itself (Mesos's {@code Path} flags): for them
     * {@code file:///path} is that path, never the file's content.
     */
    private static final java.util.Set<String> PATH_FLAGS = java.util.Set.of(CONFIG_FLAG, "http_credentials");
    private static final String ENV_PREFIX = "MESOS_";

    private final FlagRegistry registry;

    /** @param registry every known flag */
    public FlagLoader(FlagRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param args the command line after the subcommand: flags, then optionally {@code --} and
     *     trailing arguments
     * @param environment the process environment
     * @param commandFlags the subcommand's own flags: name to whether it is repeatable
     * @return the resolved flags
     * @throws ConfigurationException listing every problem
     */
    public LoadedFlags load(List<String> args, Map<String, String> environment, Map<String, Boolean> commandFlags) {
        Attempt attempt = new Attempt(commandFlags);
        attempt.run(args, environment);
        if (!attempt.problems.isEmpty()) {
            throw new ConfigurationException(attempt.problems);
        }
        return attempt.result;
    }

    /**
     * Resolves what can be resolved, ignoring unknown flags and bad values: used to find
     * {@code --modules_dir} before plugin modules (which declare more flags) are loaded.
     *
     * @param args the command line after the subcommand
     * @param environment the process environment
     * @param commandFlags the subcommand's own flags
     * @return the flags that were valid
     */
    public LoadedFlags peek(List<String> args, Map<String, String> environment, Map<String, Boolean> commandFlags) {
        Attempt attempt = new Attempt(commandFlags);
        attempt.run(args, environment);
        return attempt.result;
    }

    /** A value as given, before it is parsed. */
    private record Given(Flag flag, String loadedName, String text, String source) {
    }

    /** One resolution; collects problems instead of stopping at the first. */
    private final class Attempt {
        private final Map<String, Boolean> commandFlagSpecs;
        private final List<String> problems = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final Map<String, List<String>> commandFlags = new LinkedHashMap<>();
        private final List<String> trailing = new ArrayList<>();
        private LoadedFlags result;

        Attempt(Map<String, Boolean> commandFlagSpecs) {
            this.commandFlagSpecs = commandFlagSpecs;
        }

        void run(List<String> args, Map<String, String> environment) {
            Map<Flag, Given> fromCommandLine = commandLine(args);
            Map<Flag, Given> fromEnvironment = environment(environment);
            Optional<Flag> configFlag = registry.flag(CONFIG_FLAG);
            Given configFile = configFlag.map(f -> fromCommandLine.getOrDefault(f, fromEnvironment.get(f))).orElse(null);
            Map<Flag, Given> fromFile = configFile == null ? Map.of() : file(configFile);

            // every source's values are checked, even those a higher source overrides
            Map<Flag, Map.Entry<Given, Map.Entry<String, Object>>> parsed = new LinkedHashMap<>();
            for (Map<Flag, Given> source : List.of(fromFile, fromEnvironment, fromCommandLine)) {
                for (Given g : source.values()) {
                    Optional<String> text = fetch(g);
                    Optional<Object> value = text.flatMap(t -> parse(g, t));
                    value.ifPresent(v -> parsed.put(g.flag(), Map.entry(g, Map.entry(text.get(), v))));
                }
            }
            Config overrides = ConfigFactory.empty();
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, String> given = new HashMap<>();
            for (Map.Entry<Given, Map.Entry<String, Object>> e : parsed.values()) {
                Given g = e.getKey();
                overrides = overrides.withValue(g.flag().path(),
                        ConfigValueFactory.fromAnyRef(e.getValue().getValue(), g.source()));
                given.put(g.flag().name(), e.getValue().getKey());
            }
            for (Flag flag : registry.flags()) {
                String text = given.containsKey(flag.name()) ? given.get(flag.name()) : flag.defaultValue().orElse(null);
                if (text != null) {
                    values.put(flag.name(), text);
                }
            }
            Config config;
            try {
                config = overrides.withFallback(registry.defaults()).resolve();
            } catch (ConfigException e) {
                problems.add(e.getMessage());
                config = overrides;
            }
            result = new LoadedFlags(config, values, commandFlags, trailing, warnings);
        }

        private Map<Flag, Given> commandLine(List<String> args) {
            Map<Flag, Given> given = new LinkedHashMap<>();
            Map<String, String> loadedVia = new HashMap<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--")) {
                    trailing.addAll(args.subList(i + 1, args.size()));
                    break;
                }
                if (!arg.startsWith("--") || arg.length() == 2) {
                    problems.add("Unexpected argument '" + arg + "': flags are written --name=value, and a command "
                            + "follows '--'");
                    continue;
                }
                String body = arg.substring(2);
                int eq = body.indexOf('=');
                String name = eq < 0 ? body : body.substring(0, eq);
                String value = eq < 0 ? null : body.substring(eq + 1);
                if (commandFlagSpecs.containsKey(name)) {
                    commandFlag(name, value);
                    continue;
                }
                boolean negated = false;
                Optional<Flag> flag = lookup(name);
                if (flag.isEmpty() && name.startsWith("no-")) {
                    flag = lookup(name.substring(3));
                    negated = flag.isPresent();
                }
                if (flag.isEmpty()) {
                    problems.add("Failed to load unknown flag '" + (name.startsWith("no-") ? name.substring(3) : name)
                            + "'");
                    continue;
                }
                String loadedName = negated ? name.substring(3) : name;
                if (!loadedName.equals(flag.get().name())) {
                    warnings.add("Loaded deprecated flag '" + loadedName + "'");
                }
                if (negated && flag.get().type() != Flag.Type.BOOLEAN) {
                    problems.add("Failed to load non-boolean flag '" + loadedName + "' via '" + name + "'");
                    continue;
                }
                if (negated && value != null) {
                    problems.add("Failed to load boolean flag '" + loadedName + "' via '" + name + "' with value '"
                            + value + "'");
                    continue;
                }
                if (value == null && flag.get().type() != Flag.Type.BOOLEAN) {
                    problems.add("Failed to load non-boolean flag '" + loadedName + "': Missing value");
                    continue;
                }
                String previous = loadedVia.putIfAbsent(flag.get().name(), loadedName);
                if (previous != null) {
                    problems.add("Flag '" + loadedName + "' is already loaded via name '" + previous + "'");
                    continue;
                }
                String text = negated ? "false" : value == null ? "true" : value;
                given.put(flag.get(), new Given(flag.get(), loadedName, text, "command line"));
            }
            return given;
        }

        private void commandFlag(String name, String value) {
            if (value == null) {
                problems.add("Failed to load flag '" + name + "': Missing value");
                return;
            }
            List<String> values = commandFlags.computeIfAbsent(name, n -> new ArrayList<>());
            if (!values.isEmpty() && !commandFlagSpecs.get(name)) {
                problems.add("Flag '" + name + "' is already loaded via name '" + name + "'");
                return;
            }
            values.add(value);
        }

        private Map<Flag, Given> environment(Map<String, String> environment) {
            Map<Flag, Given> given = new LinkedHashMap<>();
            Map<String, String> loadedVia = new HashMap<>();
            environment.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                if (!e.getKey().startsWith(ENV_PREFIX)) {
                    return;
                }
                String name = e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
                // other MESOS_* variables (libraries, executors) are not ours to refuse
                lookup(name).ifPresent(flag -> {
                    if (!name.equals(flag.name())) {
                        warnings.add("Loaded deprecated flag '" + name + "'");
                    }
                    String previous = loadedVia.putIfAbsent(flag.name(), name);
                    if (previous != null) {
                        problems.add("Flag '" + name + "' is already loaded via name '" + previous + "'");
                        return;
                    }
                    given.put(flag, new Given(flag, name, e.getValue(), "environment variable " + e.getKey()));
                });
            });
            return given;
        }

        private Map<Flag, Given> file(Given configFile) {
            Map<Flag, Given> given = new LinkedHashMap<>();
            String text = fetch(configFile).orElse(null);
            if (text == null) {
                return given;
            }
            Path path = Path.of(text);
            if (!Files.isRegularFile(path)) {
                problems.add("Failed to load flag 'config': file '" + text + "' does not exist");
                return given;
            }
            Config file;
            try {
                file = ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                problems.add(e.getMessage());
                return given;
            }
            Map<String, String> loadedVia = new HashMap<>();
            for (Map.Entry<String, ConfigValue> entry : byLine(file.root())) {
                if (entry.getKey().equals("corral") && entry.getValue().valueType() == ConfigValueType.OBJECT) {
                    for (Map.Entry<String, ConfigValue> section : byLine((ConfigObject) entry.getValue())) {
                        if (section.getValue().valueType() != ConfigValueType.OBJECT) {
                            problems.add(at(section.getValue()) + ": Failed to load unknown flag '"
                                    + ConfigUtil.joinPath("corral", section.getKey()) + "'");
                            continue;
                        }
                        for (Map.Entry<String, ConfigValue> key : byLine((ConfigObject) section.getValue())) {
                            String fullPath = ConfigUtil.joinPath("corral", section.getKey(), key.getKey());
                            Optional<Flag> flag = registry.flag(key.getKey()).filter(f -> f.path().equals(fullPath));
                            fileValue(given, loadedVia, fullPath, flag, key.getValue());
                        }
                    }
                } else {
                    fileValue(given, loadedVia, entry.getKey(), lookup(entry.getKey()), entry.getValue());
                }
            }
            return given;
        }

        private void fileValue(Map<Flag, Given> given, Map<String, String> loadedVia, String key, Optional<Flag> flag,
                ConfigValue value) {
            if (flag.isEmpty()) {
                problems.add(at(value) + ": Failed to load unknown flag '" + key + "'");
                return;
            }
            if (flag.get().name().equals(CONFIG_FLAG)) {
                problems.add(at(value) + ": the flag 'config' cannot be set inside the configuration file");
                return;
            }
            if (value.valueType() == ConfigValueType.NULL) {
                return;
            }
            if (!key.equals(flag.get().name()) && !key.equals(flag.get().path())) {
                warnings.add(at(value) + ": Loaded deprecated flag '" + key + "'");
            }
            String previous = loadedVia.putIfAbsent(flag.get().name(), key);
            if (previous != null) {
                problems.add(at(value) + ": Flag '" + key + "' is already loaded via name '" + previous + "'");
                return;
            }
            given.put(flag.get(), new Given(flag.get(), key, Flag.text(value), at(value)));
        }

        private List<Map.Entry<String, ConfigValue>> byLine(ConfigObject object) {
            List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(object.entrySet());
            entries.sort(java.util.Comparator.comparingInt(e -> e.getValue().origin().lineNumber()));
            return entries;
        }

        private String at(ConfigValue value) {
            return value.origin().filename() + ":" + value.origin().lineNumber();
        }

        private Optional<Flag> lookup(String name) {
            Optional<Flag> flag = registry.flag(name);
            return flag.isPresent() ? flag : registry.deprecatedAlias(name);
        }

        /** The value, read from the file when it is a {@code file://} URL. */
        private Optional<String> fetch(Given g) {
            if (!g.text().startsWith("file://")) {
                return Optional.of(g.text());
            }
            if (PATH_FLAGS.contains(g.flag().name())) {
                return Optional.of(g.text().substring("file://".length()));
            }
            String file = g.text().substring("file://".length());
            try {
                // a trailing newline is the file's, not the value's
                return Optional.of(Files.readString(Path.of(file)).stripTrailing());
            } catch (IOException | RuntimeException e) {
                problem(g, "Error reading file '" + file + "': " + (e instanceof java.nio.file.NoSuchFileException
                        ? "No such file or directory" : e.getMessage()));
                return Optional.empty();
            }
        }

        private Optional<Object> parse(Given g, String text) {
            try {
                return Optional.of(switch (g.flag().type()) {
                    case BOOLEAN -> bool(text);
                    case NUMBER -> number(text);
                    case DURATION -> {
                        MesosValues.parseDuration(text);
                        yield text;
                    }
                    case BYTES -> {
                        MesosValues.parseBytes(text);
                        yield text;
                    }
                    case LIST -> text.isEmpty() ? List.of()
                            : Arrays.stream(text.split(",")).map(String::strip).toList();
                    case OBJECT -> ConfigFactory.parseString(text).root().unwrapped();
                    case STRING -> text;
                });
            } catch (IllegalArgumentException | ArithmeticException | ConfigException e) {
                problem(g, "Failed to load value '" + text + "': " + e.getMessage());
                return Optional.empty();
            }
        }

        private void problem(Given g, String reason) {
            String prefix = g.source().equals("command line") ? "" : g.source() + ": ";
            problems.add(prefix + "Failed to load flag '" + g.loadedName() + "': " + reason);
        }
    }

    private static Boolean bool(String text) {
        switch (text) {
            case "true":
            case "1":
                return Boolean.TRUE;
            case "false":
            case "0":
                return Boolean.FALSE;
            default:
                throw new IllegalArgumentException("Expecting a boolean (e.g., true or false)");
        }
    }

    private static Number number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e2) {
                throw new IllegalArgumentException("Expecting a number");
            }
        }
    }
}
