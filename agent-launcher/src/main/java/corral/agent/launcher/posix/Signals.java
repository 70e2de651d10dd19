package corral.agent.launcher.posix;

import java.io.IOException;
import java.util.Optional;

/**
 * Sends signals without native code: SIGTERM and SIGKILL through {@link ProcessHandle} (which
 * checks the process start time, so a reused pid is not hit), any other signal through
 * {@code kill(1)}. The agent's one way to signal a process by pid without native code (the
 * checkpoint package's {@code Signals} uses it for re-adopted containers).
 */
public final class Signals {

    /** SIGKILL. */
    public static final int SIGKILL = 9;
    /** SIGTERM. */
    public static final int SIGTERM = 15;

    private static final String KILL = firstExisting("/bin/kill", "/usr/bin/kill");

    private Signals() {
    }

    /**
     * @param pid a process
     * @param signal a signal number
     * @return whether the signal was sent
     */
    public static boolean send(long pid, int signal) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return false;
        }
        if (signal == SIGTERM) {
            return handle.get().destroy();
        }
        if (signal == SIGKILL) {
            return handle.get().destroyForcibly();
        }
        if (KILL == null) {
            return false;
        }
        try {
            Process kill = new ProcessBuilder(KILL, "-s", Integer.toString(signal), Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String firstExisting(String... paths) {
        for (String path : paths) {
            if (new java.io.File(path).canExecute()) {
                return path;
            }
        }
        return null;
    }
}
