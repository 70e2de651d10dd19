package corral.isolator.cgroups.netcls;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --cgroups_net_cls_primary_handle} and {@code --cgroups_net_cls_secondary_handles}, parsed
 * with Mesos's messages. Immutable.
 *
 * @param primary the primary handle
 * @param lower the lowest secondary handle
 * @param upper the highest secondary handle
 */
record NetClsFlags(int primary, int lower, int upper) {

    private static final String SECONDARY = "--cgroups_net_cls_secondary_handles";

    /**
     * @param primaryFlag the primary handle flag, or {@code null} when unset
     * @param secondaryFlag the secondary range flag, or {@code null} when unset
     * @return the handles to manage, or {@code null} when no primary handle is set
     * @throws IllegalArgumentException with Mesos's message for a bad value
     */
    static NetClsFlags parse(String primaryFlag, String secondaryFlag) {
        if (primaryFlag == null) {
            return null;
        }
        Integer primary = uint16(primaryFlag);
        if (primary == null) {
            throw new IllegalArgumentException("Failed to parse the primary handle '" + primaryFlag
                    + "' set in flag --cgroups_net_cls_primary_handle");
        }
        if (primary == 0) {
            // Mesos accepts 0 although its help says non-zero; tc has no class major 0
            throw new IllegalArgumentException("The primary handle has to be a non-zero value.");
        }
        if (secondaryFlag == null) {
            return new NetClsFlags(primary, 1, 0xffff);
        }
        List<String> range = new ArrayList<>();
        for (String token : secondaryFlag.split(",")) {
            if (!token.isEmpty()) { // stout's tokenize drops empty tokens
                range.add(token);
            }
        }
        if (range.size() != 2) {
            throw new IllegalArgumentException("Failed to parse the range of secondary handles '" + secondaryFlag
                    + "' set in flag " + SECONDARY);
        }
        Integer lower = uint16(range.get(0));
        if (lower == null) {
            throw new IllegalArgumentException("Failed to parse the lower bound of range of secondary handles '"
                    + secondaryFlag + "' set in flag " + SECONDARY);
        }
        if (lower == 0) {
            throw new IllegalArgumentException("The secondary handle has to be a non-zero value.");
        }
        Integer upper = uint16(range.get(1));
        if (upper == null) {
            throw new IllegalArgumentException("Failed to parse the upper bound of range of secondary handles '"
                    + secondaryFlag + "' set in flag " + SECONDARY);
        }
        if (lower > upper) {
            throw new IllegalArgumentException("Secondary handle range specified '" + secondaryFlag + "', in flag "
                    + SECONDARY + ", is an empty set");
        }
        return new NetClsFlags(primary, lower, upper);
    }

    /** A 16-bit unsigned number, decimal or {@code 0x} hex, as stout's {@code numify<uint16_t>}. */
    private static Integer uint16(String text) {
        String digits;
        int radix;
        if (text.startsWith("0x") || text.startsWith("0X")) {
            digits = text.substring(2);
            radix = 16;
        } else {
            digits = text;
            radix = 10;
        }
        if (digits.isEmpty() || digits.length() > 18
                || !digits.chars().allMatch(c -> Character.digit(c, radix) >= 0)) {
            return null;
        }
        long value = Long.parseLong(digits, radix);
        return value <= 0xffff ? (int) value : null;
    }
}
