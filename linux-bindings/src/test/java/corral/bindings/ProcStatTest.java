package corral.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void parsesACommandNameWithSpacesAndParentheses() {
        String line = "4242 (a) b) (c) S 1 4242 4240 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 5 0 123456 1000 250 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";

        ProcStat stat = ProcStat.parse(4242, line).orElseThrow();

        assertEquals(new ProcStat(4242, 'S', 1, 4240, 7, 3, 5, 123456, 250), stat);
        assertFalse(stat.exited());
        assertTrue(ProcStat.parse(1, "Z 1 2").isEmpty(), "no command name");
        assertTrue(ProcStat.parse(1, "1 (x) S 1 2").isEmpty(), "too few fields");
    }

    @Test
    void readsThisProcess() {
        long self = ProcessHandle.current().pid();

        ProcStat stat = ProcStat.read(self).orElseThrow();

        assertEquals(self, stat.pid());
        assertEquals(ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L), stat.ppid());
        assertTrue(stat.threads() > 1, "a JVM runs several threads: " + stat);
        assertFalse(stat.exited());
        assertEquals(Optional.empty(), ProcStat.read(Long.MAX_VALUE));
    }
}
