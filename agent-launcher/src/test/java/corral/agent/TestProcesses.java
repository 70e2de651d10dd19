package corral.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process checks for tests. */
public final class TestProcesses {

    private TestProcesses() {
    }

    /**
     * @param pid a process id
     * @return whether the process is gone, or only a zombie waiting for its new parent to reap it
     */
    public static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }
}
