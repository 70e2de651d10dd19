package corral.isolator.docker.provisioner;

import java.io.IOException;
import java.nio.file.Path;

/** Which paths are mount points in the agent's mount namespace (read with the bindings' {@code Mountinfo}). */
final class Mountinfo {

    private Mountinfo() {
    }

    /**
     * @param path an absolute, normalised path
     * @return whether something is mounted exactly there
     * @throws IOException when mountinfo cannot be read
     */
    static boolean isMountPoint(Path path) throws IOException {
        return corral.bindings.Mountinfo.read().stream().anyMatch(m -> m.mountPoint().equals(path));
    }

    /**
     * @param prefix an absolute, normalised directory
     * @return whether anything is mounted at or below it
     * @throws IOException when mountinfo cannot be read
     */
    static boolean hasMountsUnder(Path prefix) throws IOException {
        return corral.bindings.Mountinfo.read().stream().anyMatch(m -> m.mountPoint().startsWith(prefix));
    }

    /** mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
    static String unescape(String field) {
        return corral.bindings.Mountinfo.unescape(field);
    }
}
