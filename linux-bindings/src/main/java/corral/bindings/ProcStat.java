package corral.bindings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} (proc(5)) that the agent uses, parsed once here for every
 * reader of it. Plain file reading, no native call.
 *
 * @param pid the process (field 1)
 * @param state its state, such as {@code R}, {@code S} or {@code Z} (field 3)
 * @param ppid its parent (field 4)
 * @param session its session id (field 6)
 * @param utimeTicks user time in clock ticks (field 14)
 * @param stimeTicks system time in clock ticks (field 15)
 * @param threads its number of threads (field 20)
 * @param startTicks its start time after boot in clock ticks (field 22): with the pid, it names
 *     the process for good, as a pid alone can be reused
 * @param rssPages its resident set in pages (field 24)
 */
public record ProcStat(long pid, char state, long ppid, long session, long utimeTicks, long stimeTicks,
        long threads, long startTicks, long rssPages) {

    /** @return whether the process has exited (a zombie, or dead) */
    public boolean exited() {
        return state == 'Z' || state == 'X';
    }

    /**
     * @param pid a process
     * @return its stat, or empty when there is no such process (or it vanished while being read)
     */
    public static Optional<ProcStat> read(long pid) {
        try {
            return parse(pid, Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
                    StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * @param pid the process the line is of
     * @param line the content of its stat file
     * @return the fields, or empty when the line is not a stat line
     */
    public static Optional<ProcStat> parse(long pid, String line) {
        // the command name (field 2) is in parentheses and may hold spaces and ')': fields resume after the last ')'
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 > line.length()) {
            return Optional.empty();
        }
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3: field n is f[n - 3]
        if (f.length < 22 || f[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[3]),
                    Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[17]), Long.parseLong(f[19]),
                    Long.parseLong(f[21])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
