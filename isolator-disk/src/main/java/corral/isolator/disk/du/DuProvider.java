package corral.isolator.disk.du;

import com.typesafe.config.ConfigException;
import corral.isolator.disk.DiskSettings;
import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;

/** Provides {@code disk/du} (Mesos's {@code posix/disk}): sandbox usage measured with {@code du}. */
public final class DuProvider implements IsolatorProvider {

    @Override
    public String id() {
        return "disk/du";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public String description() {
        return "Measures each sandbox with du and, with --enforce_container_disk_quota, stops a container above its disk.";
    }

    @Override
    public Creation create(IsolatorContext context) {
        DiskSettings settings;
        try {
            settings = DiskSettings.from(context.config());
        } catch (ConfigException e) {
            return Creation.unavailable(e.getMessage());
        }
        return Creation.ready(new DuIsolator(settings, DuCommand.lowPriority(), DuIsolator.defaultTimeout(settings)));
    }
}
