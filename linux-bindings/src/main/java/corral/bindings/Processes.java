package corral.bindings;

import corral.bindings.libc.LibcProcess;
import corral.bindings.libc.Libraries;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Waiting for child processes: {@code waitid} and {@code wait4}, EINTR retried. */
public final class Processes {

    private static final int P_PID = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int SIGINFO_SIZE = 128;
    private static final int RUSAGE_SIZE = 144;

    private static final LibcProcess LIBC = Libraries.libc(LibcProcess.class);
    private static final int SC_CLK_TCK = 2;
    private static final int SC_PAGESIZE = 30;

    private Processes() {
    }

    /**
     * How a child ended.
     *
     * @param status the raw wait status, as {@code waitpid} reports it
     * @param userMicros user CPU time of the child and its waited-for descendants, in microseconds
     * @param systemMicros system CPU time likewise
     */
    public record Exit(int status, long userMicros, long systemMicros) {
    }

    /**
     * Blocks until the child has exited, leaving it waitable: until {@link #wait4} reaps it, its pid
     * cannot be reused, so signals sent meanwhile cannot hit another process.
     *
     * @param pid a child of this process
     * @throws NativeException if it is not a child of this process
     */
    public static void waitid_exited_nowait(long pid) throws NativeException {
        byte[] info = new byte[SIGINFO_SIZE];
        while (LIBC.waitid(P_PID, (int) pid, info, WEXITED | WNOWAIT) < 0) {
            int errno = Libraries.lastErrno(LIBC);
            if (errno != Errno.EINTR) {
                throw new NativeException("waitid", "pid " + pid, new Errno(errno));
            }
        }
    }

    /**
     * Blocks until the child has exited and reaps it.
     *
     * @param pid a child of this process
     * @return its raw wait status and CPU use
     * @throws NativeException if it is not a child of this process
     */
    public static Exit wait4(long pid) throws NativeException {
        int[] status = new int[1];
        byte[] usage = new byte[RUSAGE_SIZE];
        while (LIBC.wait4((int) pid, status, 0, usage) < 0) {
            int errno = Libraries.lastErrno(LIBC);
            if (errno != Errno.EINTR) {
                throw new NativeException("wait4", "pid " + pid, new Errno(errno));
            }
        }
        ByteBuffer b = ByteBuffer.wrap(usage).order(ByteOrder.nativeOrder());
        long user = b.getLong(0) * 1_000_000L + b.getLong(8);
        long system = b.getLong(16) * 1_000_000L + b.getLong(24);
        return new Exit(status[0], user, system);
    }

    /**
     * @return the clock ticks per second that {@code /proc/<pid>/stat} times are counted in
     *     ({@code sysconf(_SC_CLK_TCK)})
     * @throws NativeException if the C library cannot tell
     */
    public static long clockTicksPerSecond() throws NativeException {
        return sysconf(SC_CLK_TCK, "_SC_CLK_TCK");
    }

    /**
     * @return the page size that {@code /proc/<pid>/stat} memory is counted in
     *     ({@code sysconf(_SC_PAGESIZE)})
     * @throws NativeException if the C library cannot tell
     */
    public static long pageSize() throws NativeException {
        return sysconf(SC_PAGESIZE, "_SC_PAGESIZE");
    }

    private static long sysconf(int name, String cName) throws NativeException {
        long value = LIBC.sysconf(name);
        if (value <= 0) {
            throw new NativeException("sysconf", cName, new Errno(Libraries.lastErrno(LIBC)));
        }
        return value;
    }
}
