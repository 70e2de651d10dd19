package corral.agent.discovery;

import com.typesafe.config.Config;
import corral.isolator.spi.IsolatorContext;
import java.nio.file.Path;
import java.util.List;

/**
 * The context the agent creates each isolator with.
 *
 * @param config the resolved configuration
 * @param workDir {@code --work_dir}
 * @param runtimeDir {@code --runtime_dir}
 * @param stateDir {@code <runtime_dir>/isolators/<id with '/' replaced by '_'>}
 * @param isolation every selected id, in resolved order
 * @param isRoot whether the agent runs with effective uid 0
 */
public record AgentIsolatorContext(Config config, Path workDir, Path runtimeDir, Path stateDir, List<String> isolation,
        boolean isRoot) implements IsolatorContext {

    /** Copies the list. */
    public AgentIsolatorContext {
        isolation = List.copyOf(isolation);
    }

    /**
     * @param id an isolator id
     * @param config the resolved configuration
     * @param workDir the work directory
     * @param runtimeDir the runtime directory
     * @param isolation every selected id
     * @param isRoot whether the agent is root
     * @return the context of that isolator
     */
    public static AgentIsolatorContext forIsolator(String id, Config config, Path workDir, Path runtimeDir,
            List<String> isolation, boolean isRoot) {
        return new AgentIsolatorContext(config, workDir, runtimeDir,
                runtimeDir.resolve("isolators").resolve(id.replace('/', '_')), isolation, isRoot);
    }
}
