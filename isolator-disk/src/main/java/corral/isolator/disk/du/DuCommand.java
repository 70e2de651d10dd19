package corral.isolator.disk.du;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code du} command line: {@code du -k -s [--exclude P]... PATH}, prefixed with
 * {@code nice -n 19 ionice -c3} where those exist, so a large sandbox's walk yields CPU and I/O to the
 * containers. Immutable.
 *
 * @param prefix what runs du, such as {@code [nice, -n, 19, ionice, -c3, du]}
 */
record DuCommand(List<String> prefix) {

    static DuCommand lowPriority() {
        List<String> prefix = new ArrayList<>();
        if (onPath("nice")) {
            prefix.addAll(List.of("nice", "-n", "19"));
        }
        if (onPath("ionice")) {
            prefix.addAll(List.of("ionice", "-c3"));
        }
        prefix.add("du");
        return new DuCommand(List.copyOf(prefix));
    }

    List<String> forPath(Path path, List<Path> excludes) {
        List<String> argv = new ArrayList<>(prefix);
        argv.add("-k");
        argv.add("-s");
        for (Path exclude : excludes) {
            // du matches --exclude as a glob against the path it prints: escape glob characters
            argv.add("--exclude=" + exclude.toString().replaceAll("([*?\\[\\]\\\\])", "\\\\$1"));
        }
        argv.add(path.toString());
        return argv;
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
