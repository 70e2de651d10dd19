package corral.isolator.docker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.CommandInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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

    @Test
    void everyCellOfTheTable() {
        List<String> mismatches = new ArrayList<>();
        int cells = 0;
        for (Object[] row : TABLE) {
            CommandInfo.Builder command = CommandInfo.newBuilder().setShell((Boolean) row[0]);
            if ((Boolean) row[1]) {
                command.setValue("/user/value");
            }
            if ((Boolean) row[2]) {
                command.addArguments("u1").addArguments("u2");
            }
            for (int column = 0; column < 4; column++) {
                List<String> entrypoint = column >= 2 ? EP : List.of();
                List<String> cmd = column == 1 || column == 3 ? CMD : List.of();
                String actual = cell(command.build(), entrypoint, cmd);
                String expected = (String) row[3 + column];
                cells++;
                if (!actual.equals(expected)) {
                    mismatches.add("sh=" + row[0] + " value=" + row[1] + " argv=" + row[2] + " column " + column
                            + ": expected <" + expected + "> but was <" + actual + ">");
                }
            }
        }
        assertEquals(32, cells);
        assertEquals(List.of(), mismatches);
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
