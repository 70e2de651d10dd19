package corral.agent.discovery;

import com.typesafe.config.Config;
import corral.agent.config.AgentSettings;
import corral.agent.config.ConfigurationException;
import corral.isolator.spi.Creation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Selects, validates and creates the isolators of {@code --isolation}: the agent's startup checks.
 * Thread-safe.
 */
public final class IsolatorPlanner {

    private final Config config;
    private final AgentSettings settings;
    private final IsolatorCatalog catalog;
    private final boolean root;

    /**
     * @param config the resolved configuration
     * @param catalog every provider found
     */
    public IsolatorPlanner(Config config, IsolatorCatalog catalog) {
        this(config, catalog, isRootUser());
    }

    /**
     * @param config the resolved configuration
     * @param catalog every provider found
     * @param root whether to tell isolators the agent runs as root
     */
    public IsolatorPlanner(Config config, IsolatorCatalog catalog, boolean root) {
        this.config = config;
        this.settings = AgentSettings.from(config);
        this.catalog = catalog;
        this.root = root;
    }

    /** @return the selection, without creating anything */
    public IsolationSelector.Selection select() {
        return IsolationSelector.select(settings, catalog);
    }

    /**
     * Creates every selected isolator in order.
     *
     * @param warnings receives deprecations and other notes
     * @return the plan
     * @throws ConfigurationException listing every problem: of the selection, or isolators that
     *     cannot be created here
     */
    public IsolatorPlan plan(List<String> warnings) {
        IsolationSelector.Selection selection = select();
        warnings.addAll(selection.warnings());
        if (!selection.problems().isEmpty()) {
            throw new ConfigurationException(selection.problems());
        }
        List<String> problems = new ArrayList<>();
        List<PlannedIsolator> planned = new ArrayList<>();
        for (DiscoveredIsolator isolator : selection.isolators()) {
            Creation creation = create(isolator, selection.isolation());
            if (creation.isolator().isPresent()) {
                planned.add(new PlannedIsolator(isolator.id(), isolator.version(), isolator.module(),
                        isolator.origin(), isolator.description(), creation.isolator().get()));
            } else {
                problems.add("Failed to create isolator '" + isolator.id() + "': "
                        + creation.unavailableReason().orElse("unavailable"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new IsolatorPlan(planned);
    }

    /**
     * Calls the provider's {@code create}; an exception from it is reported as the provider's bug.
     *
     * @param isolator a provider
     * @param isolation the selected ids
     * @return the creation
     */
    public Creation create(DiscoveredIsolator isolator, List<String> isolation) {
        try {
            Creation creation = isolator.provider().create(AgentIsolatorContext.forIsolator(isolator.id(), config,
                    settings.workDir(), settings.runtimeDir(), isolation, root));
            if (creation == null) {
                return Creation.unavailable("the provider in module '" + isolator.module() + "' returned null");
            }
            return creation;
        } catch (com.typesafe.config.ConfigException.BadValue e) {
            // the provider refused a flag's value: the operator's error, not the provider's
            return Creation.unavailable(corral.agent.config.ConfigurationException.describe(e));
        } catch (RuntimeException | LinkageError e) {
            return Creation.unavailable("the provider in module '" + isolator.module() + "' failed (a bug in it): "
                    + e);
        }
    }

    /** @return the agent settings this planner uses */
    public AgentSettings settings() {
        return settings;
    }

    private static boolean isRootUser() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
