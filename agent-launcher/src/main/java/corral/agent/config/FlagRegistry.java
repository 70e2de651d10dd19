package corral.agent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every flag the agent accepts, found in the modules' {@code reference.conf} files: each leaf key
 * {@code corral.<section>.<key>} is the flag {@code --<key>}. Immutable and thread-safe.
 */
public final class FlagRegistry {

    /** Deprecated flag names (Mesos's), and the flag each now means. */
    static final Map<String, String> DEPRECATED_ALIASES = Map.of("allowed_capabilities", "effective_capabilities");

    private static final Pattern FLAG_NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private final Map<String, Flag> flags;
    private final Config defaults;

    private FlagRegistry(Map<String, Flag> flags, Config defaults) {
        this.flags = flags;
        this.defaults = defaults;
    }

    /**
     * @param references the {@code reference.conf} of every module, boot layer first
     * @return the registry
     * @throws ConfigurationException when two modules declare one flag or one setting, or a key is
     *     not a valid flag name
     */
    public static FlagRegistry of(List<ReferenceConf> references) {
        List<String> problems = new ArrayList<>();
        Map<String, Flag> byName = new LinkedHashMap<>();
        Config defaults = ConfigFactory.empty();
        for (ReferenceConf reference : references) {
            List<Map.Entry<Integer, Flag>> declared = new ArrayList<>();
            ConfigValue corral = reference.config().root().get("corral");
            if (corral != null && corral.valueType() != ConfigValueType.OBJECT) {
                problems.add(reference.module() + ": 'corral' must be an object of sections");
            } else if (corral != null) {
                for (Map.Entry<String, ConfigValue> section : ((ConfigObject) corral).entrySet()) {
                    if (section.getValue().valueType() != ConfigValueType.OBJECT) {
                        problems.add(where(section.getValue()) + ": 'corral." + section.getKey()
                                + "' must be an object of settings");
                        continue;
                    }
                    for (Map.Entry<String, ConfigValue> key : ((ConfigObject) section.getValue()).entrySet()) {
                        String path = ConfigUtil.joinPath("corral", section.getKey(), key.getKey());
                        if (!FLAG_NAME.matcher(key.getKey()).matches()) {
                            problems.add(where(key.getValue()) + ": setting '" + path
                                    + "' cannot be a flag: its name must be lower case letters, digits and '_'");
                            continue;
                        }
                        declared.add(Map.entry(key.getValue().origin().lineNumber(),
                                Flag.of(key.getKey(), path, reference.module(), key.getValue())));
                    }
                }
            }
            declared.sort(Map.Entry.comparingByKey());
            for (Flag flag : declared.stream().map(Map.Entry::getValue).toList()) {
                Flag other = byName.get(flag.name());
                if (other != null) {
                    problems.add("Flag '" + flag.name() + "' is declared twice: as '" + other.path() + "' by module '"
                            + other.module() + "' and as '" + flag.path() + "' by module '" + flag.module() + "'");
                } else {
                    byName.put(flag.name(), flag);
                }
            }
            defaults = defaults.withFallback(reference.config());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new FlagRegistry(Collections.unmodifiableMap(byName), defaults);
    }

    private static String where(ConfigValue value) {
        return value.origin().description();
    }

    /** @return every flag, grouped by module in load order, each module's in declaration order */
    public Collection<Flag> flags() {
        return flags.values();
    }

    /**
     * @param name a flag name
     * @return the flag
     */
    public Optional<Flag> flag(String name) {
        return Optional.ofNullable(flags.get(name));
    }

    /**
     * @param alias a name that may be a deprecated alias
     * @return the flag it stands for, when it is a known alias of a known flag
     */
    public Optional<Flag> deprecatedAlias(String alias) {
        String target = DEPRECATED_ALIASES.get(alias);
        return target == null ? Optional.empty() : flag(target);
    }

    /** @return every module's defaults merged, unresolved */
    public Config defaults() {
        return defaults;
    }
}
