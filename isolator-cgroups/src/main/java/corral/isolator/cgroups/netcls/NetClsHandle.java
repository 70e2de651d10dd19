package corral.isolator.cgroups.netcls;

/**
 * A net_cls handle: the class id {@code 0xAAAABBBB} made of a 16-bit primary and a 16-bit secondary
 * handle. Immutable.
 *
 * @param primary the primary handle, 0 to 0xffff
 * @param secondary the secondary handle, 0 to 0xffff
 */
public record NetClsHandle(int primary, int secondary) {

    /** Checks the ranges. */
    public NetClsHandle {
        if (primary < 0 || primary > 0xffff || secondary < 0 || secondary > 0xffff) {
            throw new IllegalArgumentException("Invalid net_cls handle " + primary + ":" + secondary);
        }
    }

    /**
     * @param classid a {@code net_cls.classid} value
     * @return its handle
     */
    public static NetClsHandle of(long classid) {
        return new NetClsHandle((int) (classid >>> 16) & 0xffff, (int) classid & 0xffff);
    }

    /** @return the class id the kernel takes, {@code primary << 16 | secondary} */
    public long classid() {
        return ((long) primary << 16) | secondary;
    }

    /** @return as Mesos and {@code tc} print it: {@code 0x12:0x11} */
    @Override
    public String toString() {
        return hex(primary) + ":" + hex(secondary);
    }

    static String hex(int value) {
        return "0x" + Integer.toHexString(value);
    }
}
