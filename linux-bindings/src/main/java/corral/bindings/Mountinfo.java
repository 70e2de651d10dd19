package corral.bindings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount table of a mount namespace as {@code /proc/<pid>/mountinfo} lists it (proc(5)), parsed
 * once here for every reader of it. Plain file reading, no native call.
 */
public final class Mountinfo {

    private static final Path SELF = Path.of("/proc/self/mountinfo");

    private Mountinfo() {
    }

    /**
     * One line of mountinfo.
     *
     * @param device the {@code major:minor} of the mounted file system
     * @param root the directory of that file system mounted here ({@code /} unless a bind mount)
     * @param mountPoint where it is mounted, unescaped
     * @param mountOptions the per-mount options, such as {@code rw,nosuid}
     * @param type the file system type, such as {@code cgroup2}
     * @param source the mount source, such as {@code /dev/sda1}
     * @param superOptions the per-superblock options
     */
    public record Mount(String device, String root, Path mountPoint, String mountOptions, String type,
            String source, String superOptions) {
    }

    /**
     * @return the mounts of this process's mount namespace, in mount order
     * @throws IOException when {@code /proc/self/mountinfo} cannot be read
     */
    public static List<Mount> read() throws IOException {
        return read(SELF);
    }

    /**
     * @param file a mountinfo file
     * @return its mounts, in order
     * @throws IOException when the file cannot be read
     */
    public static List<Mount> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * @param text the text of a mountinfo file
     * @return its mounts, in order; lines that are not mountinfo lines are skipped
     */
    public static List<Mount> parse(String text) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            // id parent major:minor root mount-point options [optional...] - fstype source super-options
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (dash < 6 || f.length < dash + 4) {
                continue;
            }
            mounts.add(new Mount(f[2], unescape(f[3]), Path.of(unescape(f[4])), f[5], f[dash + 1],
                    unescape(f[dash + 2]), f[dash + 3]));
        }
        return mounts;
    }

    /**
     * @param field a mountinfo field
     * @return it with the kernel's octal escapes ({@code \040} for space, and tab, newline and
     *     backslash) decoded
     */
    public static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
