package corral.agent.cli;

import com.typesafe.config.Config;
import corral.agent.discovery.IsolatorPlan;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * A parsed command line: the resolved agent configuration, the command's own flags and the
 * arguments after {@code --}.
 */
public interface Invocation {

    /** @return the resolved configuration (defaults, file, environment, flags) */
    Config config();

    /** @return the command's own flags by name, each with every value given, in order */
    Map<String, List<String>> commandFlags();

    /** @return the arguments after {@code --}, possibly empty */
    List<String> trailingArguments();

    /**
     * Discovers, selects, validates and creates the isolators of {@code --isolation}.
     *
     * @return the ordered plan with every isolator created
     * @throws StartupException listing every problem when the selection is invalid
     */
    IsolatorPlan createIsolators();

    /** @return where the command prints its results */
    PrintStream out();

    /** @return where the command prints problems */
    PrintStream err();

    /**
     * @return every agent flag that has a value (given or default), by name, as text: what Mesos's
     *     {@code /flags} shows; empty when the invocation does not know them
     */
    default Map<String, String> flagValues() {
        return Map.of();
    }
}
