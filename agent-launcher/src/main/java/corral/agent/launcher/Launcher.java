package corral.agent.launcher;

/**
 * Starts containers. The only place that forks, enters namespaces, mounts inside a container and
 * execs; isolators only declare what they need. Implementations are thread-safe.
 */
public interface Launcher {

    /**
     * Starts the container's first process from the merged launch info and holds it before the
     * task's command is exec'd, so that every isolator can {@code isolate} it first.
     *
     * @param spec what to start
     * @return the started, still held container
     * @throws LaunchException naming the field and value at fault, with nothing left behind
     */
    LaunchedContainer launch(LaunchSpec spec) throws LaunchException;
}
