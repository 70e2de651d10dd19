package corral.bindings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves paths as a process whose root directory is {@code root} would (the semantics of
 * {@code openat2}'s {@code RESOLVE_IN_ROOT}): symlinks, absolute or relative, and {@code ..} never
 * lead outside {@code root}. Used on image root filesystems before a container runs, so that an
 * image's symlink ({@code /mnt -> /}) cannot make the agent create directories or mount on the host.
 * Thread-safe: stateless.
 */
public final class RootedPaths {

    private static final int MAX_SYMLINKS = 40;
    private static final Errno ELOOP = new Errno(Errno.ELOOP);

    private RootedPaths() {
    }

    /**
     * @param root the root, an absolute, normalised path
     * @param path a path inside it, absolute or relative to its root
     * @return the host path, always under {@code root}; components that do not exist yet are kept as given
     * @throws NativeException {@code ELOOP} when symlinks loop or nest more than 40 deep
     * @throws IOException when a symlink cannot be read
     */
    public static Path resolve(Path root, String path) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        Path current = root;
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(root) ? current : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++links > MAX_SYMLINKS) {
                    throw new NativeException("resolve", path + " in " + root, ELOOP);
                }
                String target = Files.readSymbolicLink(next).toString();
                push(todo, target);
                if (target.startsWith("/")) {
                    current = root;
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
}
