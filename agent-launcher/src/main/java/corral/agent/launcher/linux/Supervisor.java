package corral.agent.launcher.linux;

/**
 * The shell programs a container starts with. Both are constants: every value reaches them as a
 * positional parameter, so nothing the user gave is ever parsed as shell text.
 */
final class Supervisor {

    /**
     * PID 1 of a container with its own pid namespace: holds until the agent's go (a line on fd 3;
     * EOF means abort), starts the task in the background, forwards TERM, INT, HUP, QUIT, USR1 and
     * USR2 to it (an init ignores signals it has no handler for), reaps orphans while it waits (dash's
     * {@code wait} collects any child), records the task's raw wait status to {@code $1} and exits
     * with the shell's view of it (the code, or 128+N for death by signal N).
     * {@code $2...} is the task's command.
     *
     * <p>The status file is created only once the task has ended and is filled by one
     * {@code write} of a few bytes, so a reader that finds the init gone sees either the status, or
     * no file or an empty one (the init was killed right then): "unknown" either way, exactly as
     * with a temporary file and {@code mv}, which would cost one more exec per launch.
     */
    static final String INIT = String.join("\n",
            "read -r _ <&3 || exit 1",
            "exec 3<&-",
            "f=$1",
            "shift",
            "c=",
            "trap '[ -n \"$c\" ] && kill -s TERM \"$c\" 2>/dev/null' TERM",
            "trap '[ -n \"$c\" ] && kill -s INT \"$c\" 2>/dev/null' INT",
            "trap '[ -n \"$c\" ] && kill -s HUP \"$c\" 2>/dev/null' HUP",
            "trap '[ -n \"$c\" ] && kill -s QUIT \"$c\" 2>/dev/null' QUIT",
            "trap '[ -n \"$c\" ] && kill -s USR1 \"$c\" 2>/dev/null' USR1",
            "trap '[ -n \"$c\" ] && kill -s USR2 \"$c\" 2>/dev/null' USR2",
            "\"$@\" &",
            "c=$!",
            "while :; do",
            "  wait \"$c\"; r=$?",
            "  kill -0 \"$c\" 2>/dev/null || break",
            "done",
            // the file holds a raw wait status, as waitpid gives it: 128+N from wait means signal N
            "if [ \"$r\" -gt 128 ]; then w=$((r - 128)); else w=$((r * 256)); fi",
            "[ -z \"$f\" ] || printf '%s\\n' \"$w\" >\"$f\"",
            "exit \"$r\"");

    /** Without a pid namespace: hold until the go on fd 3, then become the task itself. */
    static final String HOLD = "read -r _ <&3 || exit 1; exec 3<&-; exec \"$@\"";

    private Supervisor() {
    }
}
