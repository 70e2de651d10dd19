package corral.isolator.namespaces.pid;

import com.typesafe.config.Config;

/**
 * The {@code corral.namespaces} settings of {@code namespaces/pid}, read eagerly. Immutable and
 * thread-safe.
 *
 * @param disallowSharingAgentPidNamespace refuse top-level containers that share the agent's pid namespace
 */
public record PidNamespaceSettings(boolean disallowSharingAgentPidNamespace) {

    /**
     * @param config the agent's configuration
     * @return the settings
     */
    public static PidNamespaceSettings from(Config config) {
        return new PidNamespaceSettings(config.getBoolean("corral.namespaces.disallow_sharing_agent_pid_namespace"));
    }
}
