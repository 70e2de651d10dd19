package corral.isolator.docker.runtime;

import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.CommandInfo;
import java.util.List;
import java.util.Optional;

/**
 * Mesos's docker/runtime command table: which command a container with a Docker image runs, from
 * its {@code CommandInfo} and the image's Entrypoint and Cmd. A pure function. The table, with
 * {@code sh} = {@code CommandInfo.shell} (true unless set), {@code value} and {@code argv} =
 * {@code arguments}:
 *
 * <pre>
 * CommandInfo              | no Entrypoint, no Cmd | Cmd only         | Entrypoint only       | Entrypoint + Cmd
 * sh=0 value=0 argv=0      | Error                 | Cmd[0] + Cmd[1..]| Ep[0] + Ep[1..]       | Ep[0] + Ep[1..] + Cmd
 * sh=0 value=0 argv=1      | Error                 | Cmd[0] + argv    | Ep[0] + Ep[1..] + argv| Ep[0] + Ep[1..] + argv
 * sh=0 value=1             | value [+ argv]        | same             | same                  | same
 * sh=1 value=0             | Error                 | Error            | Error                 | Error
 * sh=1 value=1             | /bin/sh -c value      | same             | same                  | same
 * </pre>
 */
public final class LaunchCommand {

    /** Mesos's message when neither the CommandInfo nor the image names an executable. */
    public static final String NO_EXECUTABLE = "Failed to determine the launch command: No executable is found";
    /** Mesos's message for a shell command without a value. */
    public static final String SHELL_WITHOUT_VALUE =
            "Failed to determine the launch command: Shell specified but no command value provided";

    private LaunchCommand() {
    }

    /**
     * @param command the container's command
     * @param entrypoint the image's Entrypoint, possibly empty
     * @param cmd the image's Cmd, possibly empty
     * @return the command to run instead, or empty when the container's own command stands as it is
     *     (a value was given, or a shell command)
     * @throws IsolatorException with Mesos's message for the table's error cells
     */
    public static Optional<CommandInfo> resolve(CommandInfo command, List<String> entrypoint, List<String> cmd) {
        if (command.getShell()) {
            if (!command.hasValue()) {
                throw new IsolatorException(SHELL_WITHOUT_VALUE);
            }
            return Optional.empty();
        }
        if (command.hasValue()) {
            return Optional.empty();
        }
        List<String> argv = command.getArgumentsList();
        CommandInfo.Builder result = command.toBuilder().setShell(false).clearArguments();
        if (!entrypoint.isEmpty()) {
            result.setValue(entrypoint.get(0)).addAllArguments(entrypoint);
            // Cmd is the Entrypoint's default arguments: the user's arguments replace it
            result.addAllArguments(argv.isEmpty() ? cmd : argv);
        } else if (!cmd.isEmpty()) {
            result.setValue(cmd.get(0)).addArguments(cmd.get(0));
            result.addAllArguments(argv.isEmpty() ? cmd.subList(1, cmd.size()) : argv);
        } else {
            throw new IsolatorException(NO_EXECUTABLE);
        }
        return Optional.of(result.build());
    }
}
