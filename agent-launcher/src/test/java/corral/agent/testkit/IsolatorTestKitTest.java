package corral.agent.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.isolator.testkit.IsolatorTestKit;
import corral.isolator.testkit.TestContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test kit finds the agent's own posix/* providers by id, through ServiceLoader, as plugin authors will. */
class IsolatorTestKitTest {

    @Test
    void findsAProviderByIdThroughServiceLoader() {
        assertEquals("posix/cpu", IsolatorTestKit.provider("posix/cpu").id());
    }

    @Test
    void createsTheIsolatorAsTheAgentWould(@TempDir Path dir) {
        assertNotNull(IsolatorTestKit.create("posix/mem", TestContext.of(dir, Map.of(), "posix/mem")));
    }

    @Test
    void anUnknownIdNamesWhatWasFound() {
        AssertionError e = assertThrows(AssertionError.class, () -> IsolatorTestKit.provider("acme/nope"));
        assertTrue(e.getMessage().startsWith("No isolator provider with id 'acme/nope' found by ServiceLoader (found: "),
                e.getMessage());
        assertTrue(e.getMessage().contains("posix/cpu"), e.getMessage());
    }
}
