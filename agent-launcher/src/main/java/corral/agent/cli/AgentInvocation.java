package corral.agent.cli;

import com.typesafe.config.Config;
import corral.agent.config.ConfigurationException;
import corral.agent.config.FlagRegistry;
import corral.agent.config.LoadedFlags;
import corral.agent.discovery.IsolatorCatalog;
import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.IsolatorPlanner;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The invocation the CLI builds: flags resolved against every module's flags, plugins loaded. */
final class AgentInvocation implements Invocation {

    private final LoadedFlags flags;
    private final FlagRegistry registry;
    private final IsolatorCatalog catalog;
    private final List<Command> commands;
    private final PrintStream out;
    private final PrintStream err;

    AgentInvocation(LoadedFlags flags, FlagRegistry registry, IsolatorCatalog catalog, List<Command> commands,
            PrintStream out, PrintStream err) {
        this.flags = flags;
        this.registry = registry;
        this.catalog = catalog;
        this.commands = commands;
        this.out = out;
        this.err = err;
    }

    @Override
    public Config config() {
        return flags.config();
    }

    @Override
    public Map<String, List<String>> commandFlags() {
        return flags.commandFlags();
    }

    @Override
    public List<String> trailingArguments() {
        return flags.trailingArguments();
    }

    @Override
    public Map<String, String> flagValues() {
        return flags.values();
    }

    @Override
    public IsolatorPlan createIsolators() {
        List<String> warnings = new ArrayList<>();
        try {
            return planner().plan(warnings);
        } catch (ConfigurationException e) {
            throw new StartupException(e.problems());
        } catch (com.typesafe.config.ConfigException e) {
            throw new StartupException(List.of(corral.agent.config.ConfigurationException.describe(e)));
        } finally {
            warnings.forEach(w -> err.println("Warning: " + w));
        }
    }

    IsolatorPlanner planner() {
        try {
            return new IsolatorPlanner(flags.config(), catalog);
        } catch (com.typesafe.config.ConfigException e) {
            throw new StartupException(List.of(e.getMessage()));
        }
    }

    FlagRegistry registry() {
        return registry;
    }

    IsolatorCatalog catalog() {
        return catalog;
    }

    List<Command> commands() {
        return commands;
    }

    @Override
    public PrintStream out() {
        return out;
    }

    @Override
    public PrintStream err() {
        return err;
    }
}
