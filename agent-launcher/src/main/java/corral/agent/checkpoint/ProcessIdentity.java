package corral.agent.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
        return readStat(pid).map(stat -> new ProcessIdentity(pid, stat.startTime()));
    }

    /** @return whether this very process still exists and has not exited (a zombie has exited) */
    public boolean alive() {
        return readStat(pid).filter(stat -> stat.startTime() == startTime && stat.state() != 'Z'
                && stat.state() != 'X').isPresent();
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

    private record Stat(char state, long startTime) {
    }

    private static Optional<Stat> readStat(long pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // the process vanished between lookup and read (ESRCH), or /proc is unreadable
            return Optional.empty();
        }
        // comm (field 2) is in parentheses and may contain spaces or ')': fields resume after the last ')'
        int close = text.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] fields = text.substring(close + 2).split(" ");
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19]
        if (fields.length < 20) {
            return Optional.empty();
        }
        return Optional.of(new Stat(fields[0].charAt(0), Long.parseLong(fields[19])));
    }
}
