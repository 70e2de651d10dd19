package corral.isolator.docker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.CommandInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Mesos's docker/runtime command table, every cell: 8 CommandInfo rows x 4 image columns. */
class LaunchCommandTest {

    static final List<String> EP = List.of("/ep0", "ep1");
    static final List<String> CMD = List.of("/c0", "c1");
    static final String NO_EXEC = "ERROR " + LaunchCommand.NO_EXECUTABLE;
    static final String NO_VALUE = "ERROR " + LaunchCommand.SHELL_WITHOUT_VALUE;
    /** The container's own command stands: the isolator returns none. */
    static final String UNCHANGED = "unchanged";

    /** Columns: (no Entrypoint, no Cmd), (Cmd only), (Entrypoint only), (Entrypoint + Cmd). */
    static final Object[][] TABLE = {
        // sh, value, argv -> the four cells ("value | arguments...")
        {false, false, false, NO_EXEC, "/c0 | /c0 c1", "/ep0 | /ep0 ep1", "/ep0 | /ep0 ep1 /c0 c1"},
        {false, false, true, NO_EXEC, "/c0 | /c0 u1 u2", "/ep0 | /ep0 ep1 u1 u2", "/ep0 | /ep0 ep1 u1 u2"},
        {false, true, false, UNCHANGED, UNCHANGED, UNCHANGED, UNCHANGED},
        {false, true, true, UNCHANGED, UNCHANGED, UNCHANGED, UNCHANGED},
        {true, false, false, NO_VALUE, NO_VALUE, NO_VALUE, NO_VALUE},
        {true, false, true, NO_VALUE, NO_VALUE, NO_VALUE, NO_VALUE},
        {true, true, false, UNCHANGED, UNCHANGED, UNCHANGED, UNCHANGED},
        {true, true, true, UNCHANGED, UNCHANGED, UNCHANGED, UNCHANGED},
    };

    static final String[] COLUMNS = {"no Entrypoint, no Cmd", "Cmd only", "Entrypoint only", "Entrypoint and Cmd"};

    /** @return the 32 cells: sh, value, argv, column, its name, expected */
    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (Object[] row : TABLE) {
            for (int column = 0; column < 4; column++) {
                cells.add(Arguments.of(row[0], row[1], row[2], column, COLUMNS[column], row[3 + column]));
            }
        }
        return cells.stream();
    }

    @Test
    void theTableHasEveryCell() {
        assertEquals(32, cells().count());
        assertEquals(8, Stream.of(TABLE).map(r -> List.of(r[0], r[1], r[2])).distinct().count());
    }

    @ParameterizedTest(name = "sh={0} value={1} argv={2}, image with {4}: {5}")
    @MethodSource("cells")
    void everyCellOfTheTable(boolean shell, boolean value, boolean argv, int column, String columnName, String expected) {
        CommandInfo.Builder command = CommandInfo.newBuilder().setShell(shell);
        if (value) {
            command.setValue("/user/value");
        }
        if (argv) {
            command.addArguments("u1").addArguments("u2");
        }
        List<String> entrypoint = column >= 2 ? EP : List.of();
        List<String> cmd = column == 1 || column == 3 ? CMD : List.of();
        assertEquals(expected, cell(command.build(), entrypoint, cmd));
    }

    @Test
    void shellDefaultsToTrueAsInTheProto() {
        IsolatorException e = assertThrows(IsolatorException.class,
                () -> LaunchCommand.resolve(CommandInfo.getDefaultInstance(), EP, CMD));
        assertEquals("Failed to determine the launch command: Shell specified but no command value provided", e.getMessage());
        assertEquals(Optional.empty(), LaunchCommand.resolve(CommandInfo.newBuilder().setValue("echo hi").build(), EP, CMD));
    }

    @Test
    void errorMessagesAreMesossVerbatim() {
        IsolatorException e = assertThrows(IsolatorException.class,
                () -> LaunchCommand.resolve(CommandInfo.newBuilder().setShell(false).build(), List.of(), List.of()));
        assertEquals("Failed to determine the launch command: No executable is found", e.getMessage());
    }

    @Test
    void theResolvedCommandKeepsTheRestOfTheCommandInfoAndIsNotAShell() {
        CommandInfo command = CommandInfo.newBuilder().setShell(false).setUser("alice")
                .addUris(CommandInfo.URI.newBuilder().setValue("http://x")).build();
        CommandInfo resolved = LaunchCommand.resolve(command, EP, List.of()).orElseThrow();
        assertEquals(false, resolved.getShell());
        assertEquals("alice", resolved.getUser());
        assertEquals(1, resolved.getUrisCount());
    }

    static String cell(CommandInfo command, List<String> entrypoint, List<String> cmd) {
        try {
            return LaunchCommand.resolve(command, entrypoint, cmd)
                    .map(c -> (c.getShell() ? "SHELL " : "") + c.getValue() + " | " + String.join(" ", c.getArgumentsList()))
                    .orElse(UNCHANGED);
        } catch (IsolatorException e) {
            return "ERROR " + e.getMessage();
        }
    }
}
