package corral.agent.cli;

/**
 * A flag that belongs to one subcommand rather than to the agent's configuration.
 *
 * @param name the flag name without dashes, such as {@code status_file}
 * @param repeatable whether it may be given more than once (such as {@code --volume})
 * @param help one line for {@code bin/agent help}
 */
public record CommandFlag(String name, boolean repeatable, String help) {
}
