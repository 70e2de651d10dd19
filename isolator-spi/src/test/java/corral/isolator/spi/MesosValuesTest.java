package corral.isolator.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MesosValuesTest {

    @Test
    void parsesMesosDurations() {
        assertEquals(Duration.ofSeconds(15), MesosValues.parseDuration("15secs"));
        assertEquals(Duration.ofMinutes(1), MesosValues.parseDuration("1mins"));
        assertEquals(Duration.ofMillis(1500), MesosValues.parseDuration("1.5secs"));
        assertEquals(Duration.ofDays(14), MesosValues.parseDuration("2weeks"));
    }

    @Test
    void refusesUnknownDurationUnitWithMesosText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MesosValues.parseDuration("15s"));
        assertEquals("Unknown duration unit 's'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'",
                e.getMessage());
    }

    @Test
    void parsesAndFormatsBytesAsMesos() {
        assertEquals(10L << 20, MesosValues.parseBytes("10MB"));
        assertEquals(10L << 20, MesosValues.parseBytes("10mb"));
        assertEquals("Fractional bytes '1.5MB'",
                assertThrows(IllegalArgumentException.class, () -> MesosValues.parseBytes("1.5MB")).getMessage());
        assertEquals("0B", MesosValues.formatBytes(0));
        assertEquals("1536B", MesosValues.formatBytes(1536));
        assertEquals("512KB", MesosValues.formatBytes(512 << 10));
        assertEquals("2MB", MesosValues.formatBytes(2 << 20));
        assertEquals("2052KB", MesosValues.formatBytes(2052 << 10));
    }
}
