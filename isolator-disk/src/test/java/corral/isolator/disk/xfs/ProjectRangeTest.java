package corral.isolator.disk.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** --xfs_project_range parsing and id allocation. */
class ProjectRangeTest {

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> ProjectRange.parse(text)).getMessage();
    }

    @Test
    void refusesWhatMesosRefusesWithItsMessages() {
        assertEquals("Failed to parse XFS project range 'foo'", error("foo"));
        assertEquals("Failed to parse XFS project range '[5-x]'", error("[5-x]"));
        assertEquals("Failed to parse XFS project range '[10-5]'", error("[10-5]"));
        assertEquals("Invalid XFS project resource type SCALAR, expecting RANGES", error("100"));
        assertEquals("Invalid XFS project resource type SET, expecting RANGES", error("{1,2}"));
        assertEquals("Project ID 1099511627776  is out of range", error("[100-1099511627776]"));
        assertEquals("XFS project ID range contains illegal 0 value", error("[0-10]"));
    }

    @Test
    void parsesAndMergesRanges() {
        ProjectRange r = ProjectRange.parse("[5000-10000]");
        assertEquals(5001, r.size());
        ProjectRange two = ProjectRange.parse(" [ 30-40 , 10-20, 21-22 ] ");
        assertEquals("[10-22, 30-40]", two.toString());
        assertEquals(24, two.size());
        assertEquals(4294967295L, ProjectRange.parse("[4294967295-4294967295]").ranges().get(0)[1]);
    }

    @Test
    void allocatesTheLowestFreeIdAndNeverOneTwice() {
        ProjectIds ids = new ProjectIds(ProjectRange.parse("[7-8,20-20]"));
        assertEquals(OptionalLong.of(7), ids.allocate(id -> true));
        assertEquals(OptionalLong.of(8), ids.allocate(id -> true));
        assertEquals(OptionalLong.of(20), ids.allocate(id -> true));
        assertEquals(OptionalLong.empty(), ids.allocate(id -> true));
        assertEquals(0, ids.free());
        ids.release(8);
        assertEquals(1, ids.free());
        assertEquals(OptionalLong.of(8), ids.allocate(id -> true));
    }

    @Test
    void skipsIdsInUseOutsideCorralAndLearnsTakenIds() {
        ProjectIds ids = new ProjectIds(ProjectRange.parse("[1-5]"));
        assertEquals(true, ids.markTaken(1));
        assertEquals(false, ids.markTaken(99));
        assertEquals(OptionalLong.of(3), ids.allocate(id -> id != 2));
        assertEquals(2, ids.free(), "1 recovered, 2 used elsewhere, 3 allocated");
        assertEquals(5, ids.total());
    }

    @Test
    void limitsAreWholeBasicBlocksRoundedUp() {
        assertEquals(1, corral.bindings.Quota.basicBlocks(128));
        assertEquals(1, corral.bindings.Quota.basicBlocks(512));
        assertEquals(2, corral.bindings.Quota.basicBlocks(513));
        assertEquals(0, corral.bindings.Quota.basicBlocks(0));
    }
}
