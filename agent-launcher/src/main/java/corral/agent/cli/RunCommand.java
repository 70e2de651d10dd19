package corral.agent.cli;

/** {@code bin/agent run}: one container in the foreground. (Stub: replaced by the containerizer's owner.) */
public final class RunCommand implements Command {

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run one container in the foreground and exit with its task's exit code";
    }

    @Override
    public int run(Invocation invocation) {
        invocation.err().println("not implemented yet");
        return 1;
    }
}
