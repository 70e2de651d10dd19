package corral.agent.containerizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceTextTest {

    @Test
    void parsesScalarsRangesSetsAndRoles() {
        List<Resource> r = ResourceText.parse("cpus:0.5; mem:128;ports:[31000-32000, 5-6];zones:{a,b};disk(web):64");
        assertEquals(5, r.size());
        assertEquals(Value.Type.SCALAR, r.get(0).getType());
        assertEquals(0.5, r.get(0).getScalar().getValue());
        assertEquals(128, r.get(1).getScalar().getValue());
        assertEquals(Value.Type.RANGES, r.get(2).getType());
        assertEquals(31000, r.get(2).getRanges().getRange(0).getBegin());
        assertEquals(6, r.get(2).getRanges().getRange(1).getEnd());
        assertEquals(List.of("a", "b"), r.get(3).getSet().getItemList());
        assertEquals("disk", r.get(4).getName());
        assertEquals("web", r.get(4).getReservations(0).getRole());
    }

    @Test
    void acceptsJson() {
        List<Resource> r = ResourceText.parse("[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":2}}]");
        assertEquals(2, r.get(0).getScalar().getValue());
    }

    @Test
    void refusesBadTextNamingTheItem() {
        assertEquals("bad value 'x' for resource 'cpus': expected a number, [begin-end,...] or {item,...}",
                assertThrows(IllegalArgumentException.class, () -> ResourceText.parse("cpus:x")).getMessage());
        assertEquals("'cpus' is not name:value or name(role):value",
                assertThrows(IllegalArgumentException.class, () -> ResourceText.parse("cpus")).getMessage());
        assertEquals("bad value '[5-1]' for resource 'ports': range 5-1 ends before it begins",
                assertThrows(IllegalArgumentException.class, () -> ResourceText.parse("ports:[5-1]")).getMessage());
        assertEquals("bad value '-1' for resource 'mem': a scalar must be a finite number >= 0",
                assertThrows(IllegalArgumentException.class, () -> ResourceText.parse("mem:-1")).getMessage());
    }
}
