package corral.isolator.disk;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import corral.isolator.spi.MesosValues;
import java.time.Duration;

/**
 * The {@code corral.disk} settings, read eagerly. Immutable and thread-safe.
 *
 * @param enforce {@code --enforce_container_disk_quota}
 * @param watchInterval {@code --container_disk_watch_interval}
 * @param xfsProjectRange {@code --xfs_project_range}, as given
 * @param xfsKillContainers {@code --xfs_kill_containers}
 * @param xfsQuotaHeadroomBytes {@code --xfs_quota_headroom}
 */
public record DiskSettings(boolean enforce, Duration watchInterval, String xfsProjectRange,
        boolean xfsKillContainers, long xfsQuotaHeadroomBytes) {

    /** The settings' path in the configuration. */
    public static final String PREFIX = "corral.disk";

    /**
     * @param config the agent's resolved configuration
     * @return the settings
     * @throws ConfigException naming the setting and value at fault
     */
    public static DiskSettings from(Config config) {
        Config c = config.getConfig(PREFIX);
        Duration interval = MesosValues.duration(c, "container_disk_watch_interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new ConfigException.BadValue("container_disk_watch_interval",
                    "must be positive, got '" + c.getString("container_disk_watch_interval") + "'");
        }
        return new DiskSettings(c.getBoolean("enforce_container_disk_quota"), interval,
                c.getString("xfs_project_range"), c.getBoolean("xfs_kill_containers"),
                MesosValues.bytes(c, "xfs_quota_headroom"));
    }
}
