package corral.isolator.disk.xfs;

import com.typesafe.config.ConfigException;
import corral.bindings.Errno;
import corral.bindings.NativeException;
import corral.bindings.Quota;
import corral.isolator.disk.DiskSettings;
import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Provides {@code disk/xfs}: a project id per sandbox, so the kernel accounts (and limits) its space.
 * The checks and messages of {@link #create} are Mesos's, in Mesos's order where it matters.
 */
public final class XfsProvider implements IsolatorProvider {

    private static final System.Logger LOG = System.getLogger(XfsProvider.class.getName());

    @Override
    public String id() {
        return "disk/xfs";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public String description() {
        return "Gives each sandbox an XFS project id: the kernel accounts its disk and, with enforcement, limits it.";
    }

    @Override
    public Creation create(IsolatorContext context) {
        DiskSettings settings;
        try {
            settings = DiskSettings.from(context.config());
        } catch (ConfigException e) {
            return Creation.unavailable(e.getMessage());
        }
        Path workDir = context.workDir();
        Path probe = workDir;
        while (probe != null && !Files.exists(probe)) {
            probe = probe.getParent(); // the work dir may not exist yet: it will live on its parent's filesystem
        }
        try {
            if (probe == null || Quota.statfsType(probe) != Quota.XFS_SUPER_MAGIC) {
                return Creation.unavailable("'" + workDir + "' is not an XFS filesystem");
            }
        } catch (NativeException e) {
            return Creation.unavailable("'" + workDir + "' is not an XFS filesystem");
        }
        String device;
        int status;
        try {
            device = Quota.deviceOf(probe);
            status = Quota.status(device);
        } catch (NativeException e) {
            int errno = e.errno().number();
            if (errno == Errno.ENOSYS || errno == Errno.EOPNOTSUPP || errno == Errno.ESRCH || errno == Errno.EINVAL) {
                // ENOSYS: this kernel has no XFS quota support at all (CONFIG_XFS_QUOTA off)
                return Creation.unavailable("XFS project quotas are not enabled on '" + workDir + "'");
            }
            return Creation.unavailable("Failed to get quota status for '" + workDir + "': " + e.errno().description());
        } catch (IOException e) {
            return Creation.unavailable("Failed to get quota status for '" + workDir + "': " + e.getMessage());
        }
        if ((status & Quota.FS_QUOTA_PDQ_ACCT) == 0) {
            return Creation.unavailable("XFS project quotas are not enabled on '" + workDir + "'");
        }
        if (!context.isRoot()) {
            return Creation.unavailable("The XFS disk isolator requires running as root.");
        }
        if ((status & Quota.FS_QUOTA_PDQ_ENFD) == 0) {
            // mounted pqnoenforce: switch enforcement on, as Mesos does (limits stay 0 in accounting mode)
            try {
                Quota.on(device, Quota.FS_QUOTA_PDQ_ENFD);
            } catch (NativeException e) {
                if (e.errno().number() != Errno.EEXIST) {
                    return Creation.unavailable("Failed to enable XFS project quotas on '" + workDir + "': "
                            + e.errno().description());
                }
            }
        }
        ProjectRange range;
        try {
            range = ProjectRange.parse(settings.xfsProjectRange());
        } catch (IllegalArgumentException e) {
            return Creation.unavailable(e.getMessage());
        }
        LOG.log(Level.INFO, "Allocating {0} XFS project IDs from the range {1}", String.valueOf(range.size()), range);
        return Creation.ready(new XfsIsolator(settings, workDir, device, new ProjectIds(range)));
    }
}
