package corral.bindings;

import corral.bindings.libc.LibcProcess;
import corral.bindings.libc.Libraries;

/** Signal numbers (x86_64 and aarch64 agree on these) and {@code kill}. */
public final class Signals {

    /** Hangup. */
    public static final int SIGHUP = 1;
    /** Interrupt. */
    public static final int SIGINT = 2;
    /** Quit. */
    public static final int SIGQUIT = 3;
    /** Kill, cannot be caught. */
    public static final int SIGKILL = 9;
    /** User-defined 1. */
    public static final int SIGUSR1 = 10;
    /** Termination request. */
    public static final int SIGTERM = 15;

    private static final LibcProcess LIBC = Libraries.libc(LibcProcess.class);

    private Signals() {
    }

    /**
     * @param pid the process (or {@code -pgid} for a process group)
     * @param signal the signal, or 0 to test for existence
     * @return {@code false} if there is no such process (ESRCH)
     * @throws NativeException for any other error
     */
    public static boolean kill(long pid, int signal) throws NativeException {
        if (LIBC.kill((int) pid, signal) == 0) {
            return true;
        }
        int errno = Libraries.lastErrno(LIBC);
        if (errno == Errno.ESRCH) {
            return false;
        }
        throw new NativeException("kill", "pid " + pid + " signal " + signal, new Errno(errno));
    }
}
