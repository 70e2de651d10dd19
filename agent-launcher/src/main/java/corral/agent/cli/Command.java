package corral.agent.cli;

import java.util.List;

/**
 * One {@code bin/agent} subcommand. The CLI parses the agent flags (and the command's own flags)
 * before calling {@link #run}; a command never parses agent flags itself.
 */
public interface Command {

    /** @return the subcommand name, such as {@code run} */
    String name();

    /** @return one line for {@code bin/agent help} */
    String summary();

    /**
     * @return flags only this command accepts (for {@code run}: the task flags), in addition to the
     *     agent flags
     */
    default List<CommandFlag> commandFlags() {
        return List.of();
    }

    /**
     * @param invocation the parsed command line and resolved configuration
     * @return the process exit status
     */
    int run(Invocation invocation);
}
