package corral.isolator.capabilities;

import corral.isolator.spi.mesos.CapabilityInfo;
import corral.isolator.spi.mesos.CapabilityInfo.Capability;
import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A set of Linux capabilities, ordered by kernel number and printed as Mesos prints them:
 * {@code { NET_ADMIN, NET_RAW }}. Immutable and thread-safe.
 */
final class CapabilitySet {

    private final Set<Capability> capabilities;

    private CapabilitySet(Set<Capability> capabilities) {
        this.capabilities = capabilities;
    }

    /**
     * @param info a {@code CapabilityInfo}; duplicates collapse
     * @return its set
     * @throws IllegalArgumentException for {@code UNKNOWN} or a value this SPI does not name
     */
    static CapabilitySet of(CapabilityInfo info) {
        EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
        for (int i = 0; i < info.getCapabilitiesCount(); i++) {
            Capability c = info.getCapabilities(i);
            if (c == Capability.UNKNOWN) {
                throw new IllegalArgumentException("'UNKNOWN' is not a capability");
            }
            set.add(c);
        }
        return new CapabilitySet(set);
    }

    /** @return whether every capability of this set is in {@code other} */
    boolean isSubsetOf(CapabilitySet other) {
        return other.capabilities.containsAll(capabilities);
    }

    /** @return the highest kernel capability number in the set, or -1 when empty */
    int highestKernelNumber() {
        return capabilities.stream().mapToInt(CapabilitySet::kernelNumber).max().orElse(-1);
    }

    /** @return the capabilities as a {@code CapabilityInfo}, ordered by kernel number */
    CapabilityInfo toInfo() {
        return CapabilityInfo.newBuilder().addAllCapabilities(capabilities).build();
    }

    static int kernelNumber(Capability c) {
        return c.getNumber() - 1000;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapabilitySet other && other.capabilities.equals(capabilities);
    }

    @Override
    public int hashCode() {
        return capabilities.hashCode();
    }

    /** @return {@code { NET_ADMIN, NET_RAW }}; stout prints the empty set as {@code {  }} */
    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(", ", "{ ", " }");
        capabilities.forEach(c -> out.add(c.name()));
        return out.toString();
    }
}
