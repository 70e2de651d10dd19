package corral.isolator.disk.xfs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code --xfs_project_range}: a Mesos RANGES value such as {@code [5000-10000]} or
 * {@code [10-20,30-40]}, checked as Mesos checks it, with Mesos's messages. Immutable.
 *
 * @param ranges the ranges, each {@code {begin, end}} inclusive, sorted and merged
 */
record ProjectRange(List<long[]> ranges) {

    static final long MAX_ID = 0xffffffffL;
    private static final Pattern SCALAR = Pattern.compile("\\s*[-+]?[0-9]+(\\.[0-9]*)?\\s*");

    /**
     * @param text the flag's value
     * @return the ranges
     * @throws IllegalArgumentException with Mesos's message
     */
    static ProjectRange parse(String text) {
        String t = text.strip();
        if (!t.startsWith("[")) {
            if (SCALAR.matcher(t).matches()) {
                throw new IllegalArgumentException("Invalid XFS project resource type SCALAR, expecting RANGES");
            }
            if (t.startsWith("{") && t.endsWith("}")) {
                throw new IllegalArgumentException("Invalid XFS project resource type SET, expecting RANGES");
            }
            throw new IllegalArgumentException("Failed to parse XFS project range '" + text + "'");
        }
        if (!t.endsWith("]")) {
            throw new IllegalArgumentException("Failed to parse XFS project range '" + text + "'");
        }
        List<long[]> ranges = new ArrayList<>();
        String body = t.substring(1, t.length() - 1).strip();
        if (!body.isEmpty()) {
            for (String part : body.split(",")) {
                String[] bounds = part.strip().split("\\s*-\\s*");
                if (bounds.length != 2) {
                    throw new IllegalArgumentException("Failed to parse XFS project range '" + text + "'");
                }
                long begin;
                long end;
                try {
                    begin = Long.parseUnsignedLong(bounds[0].strip());
                    end = Long.parseUnsignedLong(bounds[1].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Failed to parse XFS project range '" + text + "'");
                }
                if (Long.compareUnsigned(begin, end) > 0) {
                    throw new IllegalArgumentException("Failed to parse XFS project range '" + text + "'");
                }
                ranges.add(new long[] {begin, end});
            }
        }
        for (long[] r : ranges) {
            for (long bound : r) {
                if (Long.compareUnsigned(bound, MAX_ID) > 0) {
                    throw new IllegalArgumentException("Project ID " + Long.toUnsignedString(bound) + "  is out of range");
                }
            }
        }
        for (long[] r : ranges) {
            if (r[0] == 0) {
                throw new IllegalArgumentException("XFS project ID range contains illegal 0 value");
            }
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        return new ProjectRange(List.copyOf(merged));
    }

    /** @return how many ids the ranges hold */
    long size() {
        return ranges.stream().mapToLong(r -> r[1] - r[0] + 1).sum();
    }

    boolean contains(long id) {
        return ranges.stream().anyMatch(r -> id >= r[0] && id <= r[1]);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (long[] r : ranges) {
            b.append(b.length() > 1 ? ", " : "").append(r[0]).append('-').append(r[1]);
        }
        return b.append(']').toString();
    }
}
