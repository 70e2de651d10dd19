package corral.agent.launcher;

/** The wait status of {@link LaunchedContainer#exit()}, in {@code waitpid}'s encoding. */
public final class WaitStatus {

    private WaitStatus() {
    }

    /**
     * @param waitStatus a wait status
     * @return what a shell's {@code $?} says of it: the exit code, or 128 + N for death by signal N
     */
    public static int shellStatus(int waitStatus) {
        int signal = waitStatus & 0x7f;
        return signal == 0 ? (waitStatus >> 8) & 0xff : 128 + signal;
    }
}
