package corral.agent;

import corral.agent.cli.Cli;

/** The {@code bin/agent} entry point. */
public final class Main {

    private Main() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        System.exit(new Cli(System.out, System.err).run(args));
    }
}
