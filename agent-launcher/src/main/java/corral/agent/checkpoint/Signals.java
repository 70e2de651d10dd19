package corral.agent.checkpoint;

/**
 * Sends signals to processes that are not the agent's children, only while they are still the very
 * process that was checkpointed (same start time).
 */
public final class Signals {

    /** SIGKILL. */
    public static final int SIGKILL = corral.agent.launcher.posix.Signals.SIGKILL;
    /** SIGTERM. */
    public static final int SIGTERM = corral.agent.launcher.posix.Signals.SIGTERM;

    private Signals() {
    }

    /**
     * @param process the process
     * @param signal the signal number, 1 to 64
     * @return false when the process is already gone
     * @throws IllegalArgumentException for a signal number out of range
     */
    public static boolean send(ProcessIdentity process, int signal) {
        if (signal < 1 || signal > 64) {
            throw new IllegalArgumentException("signal " + signal + " is not between 1 and 64");
        }
        // ProcessHandle checks the start time itself before it sends SIGTERM or SIGKILL
        return process.alive() && corral.agent.launcher.posix.Signals.send(process.pid(), signal);
    }
}
