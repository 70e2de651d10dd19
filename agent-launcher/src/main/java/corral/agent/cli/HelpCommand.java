package corral.agent.cli;

import corral.agent.config.Flag;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code bin/agent help [FLAG]}: every flag with its default and help text, or one flag. */
final class HelpCommand extends BuiltinCommand {

    @Override
    public String name() {
        return "help";
    }

    @Override
    public String summary() {
        return "describe every flag (or one: 'help FLAG') with its default";
    }

    @Override
    boolean lenient() {
        return true;
    }

    @Override
    int run(AgentInvocation invocation) {
        PrintStream out = invocation.out();
        List<String> names = invocation.trailingArguments();
        if (!names.isEmpty()) {
            int status = 0;
            for (String name : names) {
                String bare = name.startsWith("--") ? name.substring(2) : name;
                Optional<Flag> flag = invocation.registry().flag(bare)
                        .or(() -> invocation.registry().deprecatedAlias(bare));
                Optional<CommandFlag> commandFlag = invocation.commands().stream()
                        .flatMap(c -> c.commandFlags().stream()).filter(f -> f.name().equals(bare)).findFirst();
                if (flag.isPresent()) {
                    print(out, flag.get());
                } else if (commandFlag.isPresent()) {
                    print(out, commandFlag.get());
                } else {
                    invocation.err().println("Unknown flag '" + bare + "'; 'bin/agent help' lists every flag");
                    status = Cli.INVALID;
                }
            }
            return status;
        }
        out.println("Usage: bin/agent <command> [FLAGS] [-- CMD ARGS...]");
        out.println();
        out.println("Commands:");
        for (Command c : invocation.commands()) {
            out.printf("  %-10s %s%n", c.name(), c.summary());
        }
        out.println();
        out.println("Flags are written --name=value (booleans also --name and --no-name); a value file:///path is");
        out.println("read from that file. Each flag may also come from the environment variable MESOS_<NAME> or");
        out.println("from the HOCON file of --config; the command line wins over the environment, which wins over");
        out.println("the file, which wins over the defaults below.");
        String module = null;
        String agent = HelpCommand.class.getModule().getName();
        // the agent's own flags first, then each module's; within a module, in declaration order
        List<Flag> flags = invocation.registry().flags().stream().sorted(java.util.Comparator
                .comparing((Flag f) -> !f.module().equals(agent)).thenComparing(Flag::module)).toList();
        for (Flag flag : flags) {
            if (!flag.module().equals(module)) {
                module = flag.module();
                out.println();
                out.println("Flags of module " + module + ":");
            }
            print(out, flag);
        }
        for (Command c : invocation.commands()) {
            if (!c.commandFlags().isEmpty()) {
                out.println();
                out.println("Flags of 'bin/agent " + c.name() + "' only:");
                c.commandFlags().forEach(f -> print(out, f));
            }
        }
        return 0;
    }

    private static void print(PrintStream out, Flag flag) {
        String value = flag.type() == Flag.Type.BOOLEAN ? "" : "=VALUE";
        String def = flag.defaultValue().map(d -> "(default: " + d + ")").orElse("(optional, no default)");
        out.println("  --" + flag.name() + value + "  " + def);
        for (String line : wrap(flag.help().isEmpty() ? "(no description)" : flag.help(), 92)) {
            out.println("        " + line);
        }
    }

    private static void print(PrintStream out, CommandFlag flag) {
        out.println("  --" + flag.name() + "=VALUE" + (flag.repeatable() ? "  (repeatable)" : ""));
        for (String line : wrap(flag.help(), 92)) {
            out.println("        " + line);
        }
    }

    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
