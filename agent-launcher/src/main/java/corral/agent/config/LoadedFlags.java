package corral.agent.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;

/**
 * A command line, environment and {@code --config} file resolved against the flag registry.
 *
 * @param config every module's defaults overridden by the file, then the environment, then the flags
 * @param values every flag that has a value, by name, as text (what {@code /flags} shows)
 * @param commandFlags the command's own flags by name, each with every value given, in order
 * @param trailingArguments the arguments after {@code --}
 * @param warnings deprecations and other non-fatal notes, one sentence each
 */
public record LoadedFlags(Config config, Map<String, String> values, Map<String, List<String>> commandFlags,
        List<String> trailingArguments, List<String> warnings) {

    /** Copies the collections. */
    public LoadedFlags {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        commandFlags = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(commandFlags));
        trailingArguments = List.copyOf(trailingArguments);
        warnings = List.copyOf(warnings);
    }
}
