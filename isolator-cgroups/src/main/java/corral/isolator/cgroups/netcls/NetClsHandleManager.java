package corral.isolator.cgroups.netcls;

import java.util.BitSet;

/**
 * Hands out net_cls handles under one primary handle: the lowest free secondary handle of the
 * configured range first, as Mesos's {@code NetClsHandleManager}. Messages are Mesos's.
 * Thread-safe: every method is synchronized.
 */
public final class NetClsHandleManager {

    private final int primary;
    private final int lower;
    private final int upper;
    private final BitSet used = new BitSet(0x10000);

    /**
     * @param primary the primary handle
     * @param lower the lowest secondary handle to hand out, at least 1
     * @param upper the highest, at least {@code lower}, at most 0xffff
     */
    public NetClsHandleManager(int primary, int lower, int upper) {
        if (lower < 1 || upper > 0xffff || lower > upper || primary < 0 || primary > 0xffff) {
            throw new IllegalArgumentException("Invalid handle range " + primary + ":[" + lower + "," + upper + "]");
        }
        this.primary = primary;
        this.lower = lower;
        this.upper = upper;
    }

    /** @return the primary handle */
    public int primary() {
        return primary;
    }

    /**
     * @return the lowest free handle, now marked used
     * @throws IllegalStateException {@code No free handles remaining for primary handle 0x<p>}
     */
    public synchronized NetClsHandle alloc() {
        int free = used.nextClearBit(lower);
        if (free > upper) {
            throw new IllegalStateException("No free handles remaining for primary handle " + NetClsHandle.hex(primary));
        }
        used.set(free);
        return new NetClsHandle(primary, free);
    }

    /**
     * Marks a handle used, as recovery does for a container that already has it.
     *
     * @param handle the handle
     * @throws IllegalStateException with Mesos's message when it is outside the ranges or in use
     */
    public synchronized void reserve(NetClsHandle handle) {
        checkPrimary(handle);
        if (handle.secondary() < lower || handle.secondary() > upper) {
            throw new IllegalStateException("Secondary handle " + NetClsHandle.hex(handle.secondary())
                    + " not present in secondary handle range ");
        }
        if (used.get(handle.secondary())) {
            throw new IllegalStateException("The secondary handle " + NetClsHandle.hex(handle.secondary())
                    + ", for the primary handle " + NetClsHandle.hex(primary) + " has already been allocated");
        }
        used.set(handle.secondary());
    }

    /**
     * @param handle a handle this manager handed out or reserved
     * @throws IllegalStateException with Mesos's message when it is not allocated
     */
    public synchronized void free(NetClsHandle handle) {
        checkPrimary(handle);
        if (handle.secondary() < lower || handle.secondary() > upper || !used.get(handle.secondary())) {
            throw new IllegalStateException("Secondary handle " + NetClsHandle.hex(handle.secondary())
                    + " is not allocated for primary handle " + NetClsHandle.hex(primary));
        }
        used.clear(handle.secondary());
    }

    /**
     * @param handle a handle
     * @return whether it is handed out or reserved
     */
    public synchronized boolean isUsed(NetClsHandle handle) {
        checkPrimary(handle);
        // outside the range counts as used, as in Mesos: those handles are never handed out
        return handle.secondary() < lower || handle.secondary() > upper || used.get(handle.secondary());
    }

    private void checkPrimary(NetClsHandle handle) {
        if (handle.primary() != primary) {
            throw new IllegalStateException("Primary handle " + NetClsHandle.hex(handle.primary())
                    + " not present in primary handle range");
        }
    }
}
