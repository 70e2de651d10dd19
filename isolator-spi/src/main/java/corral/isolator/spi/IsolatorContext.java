package corral.isolator.spi;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;

/**
 * What an isolator is created with: the agent's resolved settings and a few host facts.
 * Implementations are immutable and thread-safe.
 */
public interface IsolatorContext {

    /**
     * The agent's fully resolved configuration: built-in defaults from every module's
     * {@code reference.conf}, then the {@code --config} file, {@code MESOS_*} environment and flags.
     * An isolator reads its own subtree (and, where it needs them, agent settings such as
     * {@code corral.agent.work_dir}) eagerly into an immutable settings record.
     *
     * @return the configuration
     */
    Config config();

    /** @return the agent's {@code --work_dir}; sandboxes live under {@code sandboxes/} in it */
    Path workDir();

    /** @return the agent's {@code --runtime_dir}, for state that must not outlive a reboot */
    Path runtimeDir();

    /**
     * @return a directory this isolator may keep checkpoints in:
     *     {@code <runtime_dir>/isolators/<id with '/' replaced by '_'>}; it may not exist yet
     */
    Path stateDir();

    /** @return the isolator ids selected with {@code --isolation}, in resolved order */
    List<String> isolation();

    /** @return whether the agent runs with effective uid 0 */
    boolean isRoot();
}
