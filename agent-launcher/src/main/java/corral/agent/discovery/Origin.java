package corral.agent.discovery;

/** Where an isolator comes from. */
public enum Origin {
    /** Shipped with the agent, on the boot module path. */
    BUILTIN,
    /** A third-party jar found in {@code --modules_dir}. */
    PLUGIN
}
