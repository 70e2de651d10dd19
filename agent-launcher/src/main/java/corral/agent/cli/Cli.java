package corral.agent.cli;

import corral.isolator.spi.IsolatorProvider;
import java.io.PrintStream;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Dispatches {@code bin/agent} subcommands. (Skeleton: flags and most commands are still to come.) */
public final class Cli {

    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param out where results go
     * @param err where problems go
     */
    public Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * @param args the command line
     * @return the exit status
     */
    public int run(String[] args) {
        if (args.length > 0 && args[0].equals("isolators")) {
            out.println(ServiceLoader.load(IsolatorProvider.class).stream()
                    .map(p -> "{\"name\":\"" + p.get().id() + "\"}")
                    .collect(Collectors.joining(",", "[", "]")));
            return 0;
        }
        err.println("usage: agent isolators|validate|run|serve|help|version [FLAGS]");
        return 2;
    }
}
