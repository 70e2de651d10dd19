package corral.isolator.docker.provisioner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code /proc/self/mountinfo}: which paths are mount points in the agent's mount namespace. */
final class Mountinfo {

    private Mountinfo() {
    }

    /**
     * @param path an absolute, normalised path
     * @return whether something is mounted exactly there
     * @throws IOException when mountinfo cannot be read
     */
    static boolean isMountPoint(Path path) throws IOException {
        String wanted = path.toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && unescape(fields[4]).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param prefix an absolute, normalised directory
     * @return whether anything is mounted at or below it
     * @throws IOException when mountinfo cannot be read
     */
    static boolean hasMountsUnder(Path prefix) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && Path.of(unescape(fields[4])).startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                try {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
