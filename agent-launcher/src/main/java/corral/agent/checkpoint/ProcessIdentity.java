package corral.agent.checkpoint;

import corral.bindings.ProcStat;
import java.util.Optional;

/**
 * A process known by its pid and its start time (field 22 of {@code /proc/<pid>/stat}, in clock
 * ticks since boot), so that a pid reused by another process after a crash is never mistaken for the
 * container's.
 *
 * @param pid the host pid
 * @param startTime the start time in clock ticks since boot
 */
public record ProcessIdentity(long pid, long startTime) {

    /**
     * @param pid a live process
     * @return its identity, or empty when no such process exists
     */
    public static Optional<ProcessIdentity> of(long pid) {
        return ProcStat.read(pid).map(stat -> new ProcessIdentity(pid, stat.startTicks()));
    }

    /** @return whether this very process still exists and has not exited (a zombie has exited) */
    public boolean alive() {
        return ProcStat.read(pid).filter(stat -> stat.startTicks() == startTime && !stat.exited()).isPresent();
    }

    /** @return {@code "<pid> <start time>"}, the checkpointed form */
    public String format() {
        return pid + " " + startTime;
    }

    /**
     * @param text the checkpointed form
     * @return the identity
     * @throws IllegalArgumentException when the text is not two non-negative numbers
     */
    public static ProcessIdentity parse(String text) {
        String[] parts = text.trim().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected '<pid> <start time>', got '" + text.trim() + "'");
        }
        try {
            long pid = Long.parseLong(parts[0]);
            long start = Long.parseLong(parts[1]);
            if (pid <= 0 || start < 0) {
                throw new IllegalArgumentException("expected a positive pid and start time, got '" + text.trim() + "'");
            }
            return new ProcessIdentity(pid, start);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected '<pid> <start time>', got '" + text.trim() + "'", e);
        }
    }
}
