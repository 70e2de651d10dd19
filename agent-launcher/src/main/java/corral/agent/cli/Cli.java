package corral.agent.cli;

import corral.agent.config.ConfigurationException;
import corral.agent.config.FlagLoader;
import corral.agent.config.FlagRegistry;
import corral.agent.config.LoadedFlags;
import corral.agent.config.ReferenceConf;
import corral.agent.discovery.IsolatorCatalog;
import corral.agent.discovery.IsolatorPlanner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Dispatches {@code bin/agent} subcommands: resolves the agent flags (and the command's own) from
 * the command line, {@code MESOS_*} environment and {@code --config} file, loads plugins, then runs
 * the command. Problems are printed one per line, never with a stack trace.
 */
public final class Cli {

    /** Exit status for invalid flags or an invalid configuration. */
    public static final int INVALID = 1;
    /** Exit status for a usage error: no or unknown command; bad flags of {@code run}. */
    public static final int USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final List<Command> commands;

    /**
     * @param out where results go
     * @param err where problems go
     */
    public Cli(PrintStream out, PrintStream err) {
        this(out, err, System.getenv());
    }

    /**
     * @param out where results go
     * @param err where problems go
     * @param environment the environment {@code MESOS_*} flags are read from
     */
    public Cli(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = Map.copyOf(environment);
        this.commands = List.of(new RunCommand(), new ServeCommand(), new IsolatorsCommand(), new ValidateCommand(),
                new HelpCommand(), new VersionCommand());
    }

    /**
     * @param args the command line
     * @return the exit status
     */
    public int run(String[] args) {
        if (args.length == 0) {
            err.println("Missing command. " + usage());
            return USAGE;
        }
        String name = args[0];
        if (name.equals("--help") || name.equals("-h")) {
            name = "help";
        } else if (name.equals("--version")) {
            name = "version";
        }
        Optional<Command> command = command(name);
        if (command.isEmpty()) {
            err.println((name.startsWith("-") ? "Missing command before '" + name + "'. " : "Unknown command '"
                    + name + "'. ") + usage());
            return USAGE;
        }
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        int end = rest.indexOf("--") < 0 ? rest.size() : rest.indexOf("--");
        if (rest.subList(0, end).contains("--help")) {
            // 'bin/agent run --help': the flags of every command, as 'bin/agent help'
            rest.remove("--help");
            command = command("help");
        }
        if (command.get() instanceof HelpCommand) {
            // 'help FLAG...': the names become trailing arguments
            List<String> names = rest.stream().filter(a -> !a.startsWith("--")).toList();
            rest.removeAll(names);
            rest.add("--");
            rest.addAll(names);
        }
        return run(command.get(), rest);
    }

    private int run(Command command, List<String> args) {
        boolean lenient = command instanceof BuiltinCommand && ((BuiltinCommand) command).lenient();
        Map<String, Boolean> commandFlags = new LinkedHashMap<>();
        command.commandFlags().forEach(f -> commandFlags.put(f.name(), f.repeatable()));
        try {
            List<ReferenceConf> references = new ArrayList<>(ReferenceConf.bootLayer());
            FlagRegistry bootFlags = FlagRegistry.of(references);
            LoadedFlags early = new FlagLoader(bootFlags).peek(args, environment, commandFlags);
            Optional<Path> modulesDir = early.config().hasPath("corral.agent.modules_dir")
                    ? Optional.of(Path.of(early.config().getString("corral.agent.modules_dir"))) : Optional.empty();
            IsolatorCatalog catalog = IsolatorCatalog.discover(modulesDir);
            // first: a refused plugin explains why its flags are unknown
            catalog.warnings().forEach(w -> err.println("Warning: " + w));
            references.addAll(catalog.pluginReferences());
            FlagRegistry registry = FlagRegistry.of(references);
            FlagLoader loader = new FlagLoader(registry);
            LoadedFlags flags;
            try {
                flags = lenient ? loader.peek(args, environment, commandFlags)
                        : loader.load(args, environment, commandFlags);
            } catch (ConfigurationException e) {
                throw new ConfigurationException(withSelectionProblems(command, e.problems(),
                        loader.peek(args, environment, commandFlags), catalog));
            }
            flags.warnings().forEach(w -> err.println("Warning: " + w));
            return command.run(new AgentInvocation(flags, registry, catalog, commands, out, err));
        } catch (ConfigurationException e) {
            e.problems().forEach(err::println);
            return command.name().equals("run") ? USAGE : INVALID;
        } catch (StartupException e) {
            e.problems().forEach(err::println);
            return INVALID;
        } catch (com.typesafe.config.ConfigException e) {
            // a module's own reference.conf is broken: name it, as any other configuration problem
            err.println(ConfigurationException.describe(e));
            return INVALID;
        }
    }

    /**
     * Bad flags do not hide a bad isolator selection: check the selection with the flags that were
     * valid, so that every problem is reported at once.
     */
    private static List<String> withSelectionProblems(Command command, List<String> problems, LoadedFlags valid,
            IsolatorCatalog catalog) {
        if (command instanceof IsolatorsCommand || command instanceof HelpCommand
                || command instanceof VersionCommand) {
            return problems;
        }
        List<String> all = new ArrayList<>(problems);
        try {
            new IsolatorPlanner(valid.config(), catalog).select().problems().stream()
                    .filter(p -> !all.contains(p)).forEach(all::add);
        } catch (RuntimeException e) {
            // the agent settings themselves are unusable: the flag problems say why
        }
        return all;
    }

    private Optional<Command> command(String name) {
        return commands.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private String usage() {
        return "Usage: bin/agent run|serve|isolators|validate|help|version [FLAGS] [-- CMD ARGS...]; "
                + "see 'bin/agent help'";
    }
}
