package corral.isolator.cgroups.netcls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Mesos's NetClsHandleManagerTest cases, with its messages. */
class NetClsHandleManagerTest {

    @Test
    void allocateFreeHandles() {
        NetClsHandleManager m = new NetClsHandleManager(0x3, 1, 0xffff);
        NetClsHandle h = m.alloc();
        assertEquals(new NetClsHandle(0x3, 1), h);
        assertTrue(m.isUsed(h));
        m.free(h);
        assertFalse(m.isUsed(h));
        assertEquals("Secondary handle 0x1 is not allocated for primary handle 0x3",
                assertThrows(IllegalStateException.class, () -> m.free(h)).getMessage());
    }

    @Test
    void handlesOfAnotherPrimaryAreRefused() {
        NetClsHandleManager m = new NetClsHandleManager(0x3, 1, 0xffff);
        assertEquals("Primary handle 0x1 not present in primary handle range",
                assertThrows(IllegalStateException.class, () -> m.reserve(new NetClsHandle(0x1, 5))).getMessage());
    }

    @Test
    void reserveHandles() {
        NetClsHandleManager m = new NetClsHandleManager(0x3, 1, 0xffff);
        m.reserve(new NetClsHandle(0x3, 0xffff));
        assertTrue(m.isUsed(new NetClsHandle(0x3, 0xffff)));
        assertEquals("The secondary handle 0xffff, for the primary handle 0x3 has already been allocated",
                assertThrows(IllegalStateException.class, () -> m.reserve(new NetClsHandle(0x3, 0xffff))).getMessage());
    }

    @Test
    void secondaryHandleRange() {
        NetClsHandleManager m = new NetClsHandleManager(0x3, 0xffff, 0xffff);
        NetClsHandle h = m.alloc();
        assertEquals(0x3ffffL, h.classid());
        assertEquals("No free handles remaining for primary handle 0x3",
                assertThrows(IllegalStateException.class, m::alloc).getMessage());
        m.free(h);
        m.reserve(h);
        assertEquals("Secondary handle 0x1 not present in secondary handle range ",
                assertThrows(IllegalStateException.class, () -> m.reserve(new NetClsHandle(0x3, 0x1))).getMessage());
    }

    @Test
    void handlesPrintAsHexWithoutPadding() {
        assertEquals("0x12:0x11", NetClsHandle.of(1179665).toString());
        assertEquals(1179665L, new NetClsHandle(0x12, 0x11).classid());
    }
}
