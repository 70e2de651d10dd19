package corral.isolator.cgroups.netcls;

import corral.bindings.NativeException;
import corral.isolator.cgroups.CgroupsSettings;
import corral.isolator.cgroups.ContainerCgroups;
import corral.isolator.cgroups.Hierarchies;
import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Provides {@code cgroups/net_cls}. Needs root and a cgroup v1 host (or a hybrid one). Creating the
 * isolator only checks that the net_cls hierarchy is mounted or can be ({@code bin/agent isolators}
 * creates every isolator and must not change the host); the isolator mounts it when first used.
 * Stateless.
 */
public final class NetClsIsolatorProvider implements IsolatorProvider {

    /** Mesos wraps subsystem errors twice (by the isolator and by the subsystem factory); so do we. */
    private static final String PREFIX = "Failed to create subsystem 'net_cls': Failed to create subsystem 'net_cls': ";

    @Override
    public String id() {
        return "cgroups/net_cls";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public String description() {
        return "Puts each container in its own net_cls cgroup and, with a primary handle, gives it a class id.";
    }

    @Override
    public Creation create(IsolatorContext context) {
        CgroupsSettings settings = CgroupsSettings.from(context.config());
        NetClsFlags flags;
        try {
            flags = NetClsFlags.parse(settings.netClsPrimaryHandle(), settings.netClsSecondaryHandles());
        } catch (IllegalArgumentException e) {
            return Creation.unavailable(PREFIX + e.getMessage());
        }
        if (flags == null && settings.netClsSecondaryHandles() != null) {
            System.getLogger(NetClsIsolatorProvider.class.getName()).log(Level.WARNING,
                    "--cgroups_net_cls_secondary_handles is ignored without --cgroups_net_cls_primary_handle");
        }
        ContainerCgroups layout;
        try {
            layout = ContainerCgroups.of(settings);
        } catch (IllegalArgumentException e) {
            return Creation.unavailable("Invalid --cgroups_root '" + settings.root() + "': " + e.getMessage());
        }
        if (!context.isRoot()) {
            return Creation.unavailable("The 'cgroups/net_cls' isolator requires root permissions");
        }
        Path root = Path.of(settings.hierarchy());
        try {
            Hierarchies mounted = Hierarchies.detect();
            if (mounted.isUnifiedAt(root)) {
                return Creation.unavailable("net_cls needs cgroup v1: " + root
                        + " is the cgroup v2 unified hierarchy, which has no net_cls controller");
            }
            Optional<String> why = mounted.v1Unavailable("net_cls");
            if (why.isPresent()) {
                return Creation.unavailable(PREFIX + "net_cls needs cgroup v1: " + why.get());
            }
        } catch (NativeException e) {
            return Creation.unavailable(PREFIX + e.getMessage());
        }
        NetClsHandleManager handles = flags == null ? null
                : new NetClsHandleManager(flags.primary(), flags.lower(), flags.upper());
        return Creation.ready(new NetClsIsolator(root, layout, handles));
    }
}
