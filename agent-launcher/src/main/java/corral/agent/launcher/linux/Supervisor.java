package corral.agent.launcher.linux;

/**
 * The shell programs a container starts with. All are constants: every value reaches them as a
 * positional parameter, so nothing the user gave is ever parsed as shell text.
 */
final class Supervisor {

    /**
     * The first process of every container (PID 1 of a container with its own pid namespace): holds until the agent's go (a line on fd 3;
     * EOF means abort), starts the task in the background, forwards TERM, INT, HUP, QUIT, USR1 and
     * USR2 to it (an init ignores signals it has no handler for), reaps orphans while it waits (dash's
     * {@code wait} collects any child), records the task's status as the shell sees it ({@code $?}:
     * the exit code, or 128+N for death by signal N) to {@code $1}, and exits with it, so that a
     * live agent (which waits on this init) and a recovering one (which reads the file, see
     * {@code CheckpointScan.readExitStatus}) report the same {@code code << 8}.
     * {@code $2...} is the task's command.
     *
     * <p>The status file is created only once the task has ended and is filled by one
     * {@code write} of a few bytes, so a reader that finds the init gone sees either the status, or
     * no file or an empty one (the init was killed right then): "unknown" either way, exactly as
     * with a temporary file and {@code mv}, which would cost one more exec per launch.
     */
    static final String INIT = String.join("\n",
            Tail.QUIET,
            "read -r _ <&3 || exit 1",
            "exec 3<&-",
            "f=$1",
            "shift",
            Tail.START_AND_FORWARD,
            "\"$@\" 6>&- &",
            "c=$!",
            Tail.WAIT,
            "[ -z \"$f\" ] || printf '%s\\n' \"$r\" >\"$f\"",
            "exit \"$r\"");

    /**
     * The first process of a container with a root filesystem: as {@link #INIT}, except that
     * it starts the task's chain (host programs, ending in {@link #ENTER}) right after the first go,
     * while it still stands on the host's root, and opens the status file then (fd 5, kept from the
     * task), because once the agent has pivoted the mount namespace into the image it reaches no
     * host path any more and only runs shell built-ins. It never opens a path after that: the
     * container owns the paths then (a {@code /dev/null} it replaced by a symlink to a host file
     * would have this root process write there). fds 3 (go) and 4 (ready) pass to the chain.
     * An empty status file, like a missing one, means "unknown" to a recovering agent.
     */
    static final String INIT_IN_ROOTFS = String.join("\n",
            Tail.QUIET,
            "read -r _ <&3 || exit 1",
            "f=$1",
            "shift",
            "if [ -n \"$f\" ]; then exec 5>\"$f\"; fi",
            Tail.START_AND_FORWARD,
            "\"$@\" 5>&- 6>&- &",
            "c=$!",
            "exec 3<&- 4>&-",
            Tail.WAIT,
            "[ -z \"$f\" ] || printf '%s\\n' \"$r\" >&5",
            "exit \"$r\"");

    /**
     * The last host program of a container with a root filesystem, already running as the task's
     * user with its capabilities: says it is ready (a byte on fd 4), waits for the second go (fd 3),
     * which the agent gives only once it has {@code pivot_root}ed the mount namespace into the image
     * and detached the host's tree (which also moved this shell's root and directory), then changes
     * to the working directory {@code $1} and execs the command {@code $2...}, resolved in the image
     * with the task's {@code PATH}. EOF instead of a go means abort.
     */
    static final String ENTER = String.join("\n",
            "printf r >&4 || exit 1",
            "exec 4>&-",
            "read -r _ <&3 || exit 1",
            "exec 3<&-",
            "cd \"$1\" || exit 1",
            "shift",
            "exec \"$@\"");

    /** Shared text of the two inits. */
    private static final class Tail {

        /** Where the init's own complaints go: {@code /dev/null}, opened once before anything else. */
        static final String QUIET = "exec 6>/dev/null";

        static final String START_AND_FORWARD = String.join("\n",
                "c=",
                "trap '[ -n \"$c\" ] && kill -s TERM \"$c\" 2>&6' TERM",
                "trap '[ -n \"$c\" ] && kill -s INT \"$c\" 2>&6' INT",
                "trap '[ -n \"$c\" ] && kill -s HUP \"$c\" 2>&6' HUP",
                "trap '[ -n \"$c\" ] && kill -s QUIT \"$c\" 2>&6' QUIT",
                "trap '[ -n \"$c\" ] && kill -s USR1 \"$c\" 2>&6' USR1",
                "trap '[ -n \"$c\" ] && kill -s USR2 \"$c\" 2>&6' USR2");

        static final String WAIT = String.join("\n",
                "while :; do",
                "  wait \"$c\"; r=$?",
                "  kill -0 \"$c\" 2>&6 || break",
                "done");
    }

    private Supervisor() {
    }
}
