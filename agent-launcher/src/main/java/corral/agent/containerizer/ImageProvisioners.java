package corral.agent.containerizer;

import com.typesafe.config.Config;
import corral.agent.config.AgentSettings;
import corral.agent.discovery.AgentIsolatorContext;
import corral.isolator.spi.ImageProvisioner;
import corral.isolator.spi.ImageProvisionerProvider;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.Spi;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Image;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The image provisioners of {@code --image_providers}, one per image type, found as
 * {@link ImageProvisionerProvider} services. The containerizer asks them for a container's root
 * filesystem before any isolator's {@code prepare} (Mesos's PROVISIONING state) and destroys it after
 * every isolator's {@code cleanup}. Immutable and thread-safe.
 */
public final class ImageProvisioners {

    private static final ImageProvisioners NONE = new ImageProvisioners(Map.of());

    private final Map<Image.Type, ImageProvisioner> byType;

    private ImageProvisioners(Map<Image.Type, ImageProvisioner> byType) {
        this.byType = byType;
    }

    /** @return no provisioner: containers with an image are refused */
    public static ImageProvisioners none() {
        return NONE;
    }

    /**
     * Creates the provisioners {@code corral.agent.image_providers} names.
     *
     * @param config the agent's resolved configuration
     * @param settings the containerizer's settings (work and runtime directories)
     * @param isolation the selected isolator ids
     * @param isRoot whether the agent runs as root
     * @return the provisioners
     * @throws IsolatorException naming the provider type that is unknown or cannot be created
     */
    public static ImageProvisioners create(Config config, ContainerizerSettings settings, List<String> isolation,
            boolean isRoot) {
        String path = "corral.agent.image_providers";
        List<String> types = AgentSettings.imageProviders(config.hasPath(path) ? config.getString(path) : "");
        if (types.isEmpty()) {
            return NONE;
        }
        Map<Image.Type, ImageProvisioner> byType = new EnumMap<>(Image.Type.class);
        ImageProvisioners.class.getModule().addUses(ImageProvisionerProvider.class);
        List<ImageProvisionerProvider> providers = new ArrayList<>();
        ServiceLoader.load(ImageProvisionerProvider.class, ImageProvisioners.class.getClassLoader()).forEach(providers::add);
        for (String name : types) {
            String type = name.toUpperCase(Locale.ROOT);
            Image.Type imageType;
            try {
                imageType = Image.Type.valueOf(type);
            } catch (IllegalArgumentException e) {
                throw new IsolatorException("Unknown image type '" + type + "'");
            }
            ImageProvisionerProvider provider = providers.stream()
                    .filter(p -> p.type().equalsIgnoreCase(type)).findFirst()
                    .orElseThrow(() -> new IsolatorException("Failed to create provisioner: no image provider for '"
                            + name + "' is installed"));
            if (provider.spiVersion() > Spi.MAJOR_VERSION) {
                throw new IsolatorException("Failed to create provisioner: the '" + name
                        + "' image provider needs SPI " + provider.spiVersion() + ", this agent has " + Spi.MAJOR_VERSION);
            }
            AgentIsolatorContext context = AgentIsolatorContext.forIsolator("image/" + type.toLowerCase(Locale.ROOT),
                    config, settings.workDir(), settings.runtimeDir(), isolation, isRoot);
            byType.put(imageType, provider.create(context));
        }
        return new ImageProvisioners(Map.copyOf(byType));
    }

    /**
     * @param type an image type
     * @return its provisioner, when {@code --image_providers} has it
     */
    public Optional<ImageProvisioner> forType(Image.Type type) {
        return Optional.ofNullable(byType.get(type));
    }

    /**
     * Removes every provisioned root filesystem of a container the agent does not know.
     *
     * @param known the containers the agent keeps
     */
    public void recover(Set<ContainerID> known) {
        for (ImageProvisioner provisioner : byType.values()) {
            provisioner.recover(known);
        }
    }

    /** @return every provisioner's agent-wide gauges ({@link ImageProvisioner#metrics}) */
    public Map<String, Double> metrics() {
        Map<String, Double> all = new java.util.TreeMap<>();
        for (ImageProvisioner provisioner : byType.values()) {
            all.putAll(provisioner.metrics());
        }
        return all;
    }

    /** @return whether no provisioner is configured */
    public boolean isEmpty() {
        return byType.isEmpty();
    }
}
