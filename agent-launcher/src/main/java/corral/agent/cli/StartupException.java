package corral.agent.cli;

import java.util.List;

/**
 * The agent cannot start: bad flags, an invalid isolator combination, an unavailable isolator.
 * Printed as one line per problem, never with a stack trace.
 */
public final class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems every problem found, one sentence each, naming the flag and value */
    public StartupException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return every problem found */
    public List<String> problems() {
        return problems;
    }
}
