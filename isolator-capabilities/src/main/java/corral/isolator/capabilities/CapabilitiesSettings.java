package corral.isolator.capabilities;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;
import corral.isolator.spi.MesosJson;
import corral.isolator.spi.mesos.CapabilityInfo;

/**
 * The {@code corral.capabilities} settings, read eagerly. Immutable and thread-safe.
 *
 * @param effective {@code --effective_capabilities} (alias {@code --allowed_capabilities}), or
 *     {@code null} when unset
 * @param bounding {@code --bounding_capabilities}, or {@code null} when unset
 */
record CapabilitiesSettings(CapabilitySet effective, CapabilitySet bounding) {

    static final String PATH = "corral.capabilities";

    /**
     * @param config the agent's resolved configuration
     * @return the settings
     * @throws IllegalArgumentException naming the flag and its value when a value is not a
     *     {@code CapabilityInfo} of known capabilities
     */
    static CapabilitiesSettings from(Config config) {
        Config c = config.getConfig(PATH);
        return new CapabilitiesSettings(read(c, "effective_capabilities"), read(c, "bounding_capabilities"));
    }

    private static CapabilitySet read(Config c, String key) {
        if (c.getIsNull(key)) {
            return null;
        }
        // a flag gives JSON text; a config file may write the object itself
        String json = c.getValue(key).valueType() == ConfigValueType.OBJECT
                ? c.getValue(key).render(ConfigRenderOptions.concise())
                : c.getString(key);
        try {
            return CapabilitySet.of(MesosJson.parse(json, CapabilityInfo.newBuilder()).build());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid value '" + json + "' for flag --" + key
                    + ": expected a CapabilityInfo such as {\"capabilities\":[\"NET_RAW\",\"MKNOD\"]}: "
                    + e.getMessage(), e);
        }
    }
}
