package corral.isolator.capabilities;

import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.LinuxInfo;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import java.util.Optional;

/**
 * {@code linux/capabilities}: decides a container's effective and bounding capability sets from its
 * {@code LinuxInfo} and the operator's flags, with Mesos's procedure and messages, and declares them
 * in the launch info; the launcher applies them. Stateless and thread-safe.
 */
final class CapabilitiesIsolator implements Isolator {

    private final CapabilitySet flagEffective; // null: no default
    private final CapabilitySet flagBounding; // null: every capability allowed
    private final int lastCapability;

    CapabilitiesIsolator(CapabilitiesSettings settings, int lastCapability) {
        this.flagEffective = settings.effective();
        this.flagBounding = settings.bounding();
        this.lastCapability = lastCapability;
    }

    @Override
    public boolean supportsNesting() {
        return true;
    }

    @Override
    public boolean supportsStandalone() {
        return true;
    }

    @Override
    public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        LinuxInfo linux = config.hasContainerInfo() && config.getContainerInfo().hasLinuxInfo()
                ? config.getContainerInfo().getLinuxInfo() : LinuxInfo.getDefaultInstance();
        if (linux.hasCapabilityInfo() && linux.hasEffectiveCapabilities()) {
            throw new IsolatorException("Only one of 'capability_info' or 'effective_capabilities' is allowed");
        }
        CapabilitySet effective = linux.hasEffectiveCapabilities() ? set(linux.getEffectiveCapabilities(), "effective_capabilities")
                : linux.hasCapabilityInfo() ? set(linux.getCapabilityInfo(), "capability_info")
                : flagEffective;
        CapabilitySet requestedBounding = linux.hasBoundingCapabilities()
                ? set(linux.getBoundingCapabilities(), "bounding_capabilities") : null;
        if (requestedBounding != null && flagBounding != null && !requestedBounding.isSubsetOf(flagBounding)) {
            throw new IsolatorException("Bounding capabilities '" + requestedBounding + "', but only '" + flagBounding
                    + "' are allowed");
        }
        CapabilitySet bounding = requestedBounding != null ? requestedBounding
                : flagBounding != null ? flagBounding
                : effective;
        if (effective != null && !effective.isSubsetOf(bounding)) {
            throw new IsolatorException("Requested capabilities '" + effective + "', but only '" + bounding
                    + "' are allowed");
        }
        if (bounding == null) {
            return Optional.empty(); // nothing asked, nothing configured: the user's default capabilities
        }
        checkKernelKnows(bounding);
        ContainerLaunchInfo.Builder info = ContainerLaunchInfo.newBuilder().setBoundingCapabilities(bounding.toInfo());
        if (effective != null) {
            info.setEffectiveCapabilities(effective.toInfo());
        }
        return Optional.of(info.build());
    }

    private static CapabilitySet set(corral.isolator.spi.mesos.CapabilityInfo info, String field) {
        try {
            return CapabilitySet.of(info);
        } catch (IllegalArgumentException e) {
            throw new IsolatorException("Invalid LinuxInfo." + field + ": " + e.getMessage(), e);
        }
    }

    /** Mesos crashed on capabilities the kernel lacks (before 8b5bdb2fb); we refuse the launch instead. */
    private void checkKernelKnows(CapabilitySet set) {
        if (set.highestKernelNumber() > lastCapability) {
            throw new IsolatorException("Capabilities '" + set + "' include one this kernel does not support (its"
                    + " highest capability number is " + lastCapability + ")");
        }
    }
}
