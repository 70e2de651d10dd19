package corral.agent.cli;

/** A command of the CLI itself, which needs more of the invocation than {@link Invocation} offers. */
abstract class BuiltinCommand implements Command {

    @Override
    public final int run(Invocation invocation) {
        return run((AgentInvocation) invocation);
    }

    abstract int run(AgentInvocation invocation);

    /** @return whether a bad flag must not stop this command (it only informs) */
    boolean lenient() {
        return false;
    }
}
