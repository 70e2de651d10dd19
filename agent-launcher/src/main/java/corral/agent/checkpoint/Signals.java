package corral.agent.checkpoint;

import java.io.IOException;
import java.util.Optional;

/**
 * Sends signals to processes that are not the agent's children, only while they are still the very
 * process that was checkpointed (same start time).
 */
public final class Signals {

    /** SIGKILL. */
    public static final int SIGKILL = 9;
    /** SIGTERM. */
    public static final int SIGTERM = 15;

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
        if (!process.alive()) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(process.pid());
        if (handle.isEmpty()) {
            return false;
        }
        // ProcessHandle checks the start time itself before it signals
        if (signal == SIGKILL) {
            return handle.get().destroyForcibly();
        }
        if (signal == SIGTERM) {
            return handle.get().destroy();
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            return kill.waitFor() == 0;
        } catch (IOException e) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
