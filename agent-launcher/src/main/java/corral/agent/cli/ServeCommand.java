package corral.agent.cli;

/** {@code bin/agent serve}: the long-running agent. (Stub: replaced by the HTTP API's owner.) */
public final class ServeCommand implements Command {

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "run the agent: recover containers, then serve the HTTP API";
    }

    @Override
    public int run(Invocation invocation) {
        invocation.err().println("not implemented yet");
        return 1;
    }
}
