package corral.isolator.spi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mesos's value syntax for durations ({@code 15secs}, {@code 1mins}) and sizes ({@code 10MB}), as
 * flags and {@code reference.conf} files write them, with Mesos's error texts. Thread-safe.
 */
public final class MesosValues {

    private static final Pattern DURATION = Pattern.compile("(-?[0-9]+(?:\\.[0-9]+)?)\\s*([a-z]+)");
    private static final Pattern BYTES = Pattern.compile("(-?[0-9]+(?:\\.[0-9]*)?)\\s*([A-Za-z]+)");

    private MesosValues() {
    }

    /**
     * @param text a duration such as {@code 15secs}, {@code 500ms} or {@code 1.5mins}; units
     *     {@code ns us ms secs mins hrs days weeks}
     * @return the duration
     * @throws IllegalArgumentException with Mesos's message for a bad value
     */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid duration '" + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        double nanosPerUnit = switch (m.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "secs" -> 1e9;
            case "mins" -> 60e9;
            case "hrs" -> 3600e9;
            case "days" -> 86400e9;
            case "weeks" -> 7 * 86400e9;
            default -> throw new IllegalArgumentException("Unknown duration unit '" + m.group(2)
                    + "'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'");
        };
        return Duration.ofNanos(Math.round(value * nanosPerUnit));
    }

    /**
     * @param text a size such as {@code 10MB} or {@code 512B}; units {@code B KB MB GB TB}, any case,
     *     whole numbers only
     * @return the size in bytes
     * @throws IllegalArgumentException with Mesos's message for a bad value
     */
    public static long parseBytes(String text) {
        Matcher m = BYTES.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid bytes '" + text + "'");
        }
        if (m.group(1).contains(".")) {
            throw new IllegalArgumentException("Fractional bytes '" + text + "'");
        }
        long value = Long.parseLong(m.group(1));
        if (value < 0) {
            throw new IllegalArgumentException("Invalid bytes '" + text + "'");
        }
        long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "B" -> 1L;
            case "KB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            case "TB" -> 1L << 40;
            default -> throw new IllegalArgumentException("Unknown bytes unit '" + m.group(2)
                    + "'; supported units are 'B', 'KB', 'MB', 'GB', and 'TB'");
        };
        return Math.multiplyExact(value, unit);
    }

    /**
     * Prints a size as Mesos does: the largest unit that loses nothing ({@code 0B}, {@code 1536B},
     * {@code 512KB}, {@code 2MB}).
     *
     * @param bytes a size
     * @return its text
     */
    public static String formatBytes(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int i = 0;
        long value = bytes;
        while (i < units.length - 1 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            i++;
        }
        return value + units[i];
    }

    /**
     * @param config a configuration
     * @param path the path of a duration setting in Mesos syntax
     * @return the duration
     * @throws ConfigException.BadValue naming the path and Mesos's reason (not the merged configuration's
     *     origin, which says nothing to an operator who set a flag)
     */
    public static Duration duration(Config config, String path) {
        try {
            return parseDuration(config.getString(path));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(path, e.getMessage());
        }
    }

    /**
     * @param config a configuration
     * @param path the path of a size setting in Mesos syntax
     * @return the size in bytes
     * @throws ConfigException.BadValue naming the path and Mesos's reason (not the merged configuration's
     *     origin, which says nothing to an operator who set a flag)
     */
    public static long bytes(Config config, String path) {
        try {
            return parseBytes(config.getString(path));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(path, e.getMessage());
        }
    }
}
