package corral.isolator.cgroups;

import com.typesafe.config.Config;

/**
 * The {@code corral.cgroups} settings, read eagerly. Immutable and thread-safe.
 *
 * @param hierarchy {@code --cgroups_hierarchy}: where the hierarchies are mounted, such as
 *     {@code /sys/fs/cgroup}
 * @param root {@code --cgroups_root}: the cgroup, relative to each hierarchy, that holds the
 *     containers' cgroups, such as {@code mesos}
 * @param netClsPrimaryHandle {@code --cgroups_net_cls_primary_handle} as given, or {@code null}
 * @param netClsSecondaryHandles {@code --cgroups_net_cls_secondary_handles} as given, or {@code null}
 */
public record CgroupsSettings(String hierarchy, String root, String netClsPrimaryHandle,
        String netClsSecondaryHandles) {

    /** The configuration path of these settings. */
    public static final String PATH = "corral.cgroups";

    /**
     * @param config the agent's resolved configuration (its {@code reference.conf} holds the defaults)
     * @return the settings
     * @throws com.typesafe.config.ConfigException when a setting is missing or of the wrong type
     */
    public static CgroupsSettings from(Config config) {
        Config c = config.getConfig(PATH);
        return new CgroupsSettings(
                c.getString("cgroups_hierarchy"),
                c.getString("cgroups_root"),
                optional(c, "cgroups_net_cls_primary_handle"),
                optional(c, "cgroups_net_cls_secondary_handles"));
    }

    private static String optional(Config c, String key) {
        // null in reference.conf means "not set"; numbers are accepted as their text
        return c.getIsNull(key) ? null : c.getString(key);
    }
}
