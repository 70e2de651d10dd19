package corral.isolator.namespaces.linuxfs;

import corral.isolator.spi.IsolatorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a path as a process whose root is {@code rootfs} would: symlinks (absolute or relative)
 * and {@code ..} never lead outside {@code rootfs}. Used to compute mount targets inside an image
 * before the container runs, so that an image's symlink ({@code /mnt -> /}) cannot make the
 * launcher mount or create directories on the host.
 */
final class InRoot {

    private static final int MAX_SYMLINKS = 40;

    private InRoot() {
    }

    /**
     * @param rootfs the root, an absolute, normalised path
     * @param path a path inside it, absolute or relative to its root
     * @return the host path, under {@code rootfs}; components that do not exist yet are kept as given
     * @throws IsolatorException when symlinks loop
     */
    static Path resolve(Path rootfs, String path) {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        Path current = rootfs;
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!current.equals(rootfs)) {
                    current = current.getParent();
                }
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++links > MAX_SYMLINKS) {
                    throw new IsolatorException("Too many levels of symbolic links resolving '" + path + "' in '"
                            + rootfs + "'");
                }
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    throw new IsolatorException("Cannot read symlink '" + next + "': " + e.getMessage(), e);
                }
                push(todo, target);
                if (target.startsWith("/")) {
                    current = rootfs;
                }
                continue;
            }
            current = next;
        }
        return current;
    }

    /** Pushes the components of {@code path} so that its first component is popped first. */
    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    /** @return whether the path exists as a directory, without following a final symlink */
    static boolean isDirectory(Path path) {
        return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
    }
}
