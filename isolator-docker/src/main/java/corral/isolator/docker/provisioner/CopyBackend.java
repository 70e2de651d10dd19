package corral.isolator.docker.provisioner;

import corral.isolator.docker.store.FileTrees;
import corral.isolator.docker.store.StoredLayer;
import corral.isolator.docker.store.Whiteout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;

/**
 * Copy backend: copies every layer, lowest first, into the container's {@code rootfs}, applying
 * each layer's whiteouts (by deleting) before its files. Works anywhere, costs the image's size per
 * container. Never writes or deletes through a symlink: a destination symlink in the way of a
 * layer's entry is replaced, and a whiteout whose parent is not a real directory hides nothing.
 */
final class CopyBackend implements Backend {

    private final boolean chown;

    /** @param chown whether copies keep their owners (needs root) */
    CopyBackend(boolean chown) {
        this.chown = chown;
    }

    @Override
    public String name() {
        return "copy";
    }

    @Override
    public List<Path> assemble(List<StoredLayer> layers, Path container) throws IOException {
        Path rootfs = container.resolve("rootfs");
        for (StoredLayer layer : layers) {
            for (Whiteout w : layer.whiteouts()) {
                Path target = inside(rootfs, w.path());
                if (target == null) {
                    continue;
                }
                if (w.opaque()) {
                    if (isRealDirectory(target)) {
                        try (var children = Files.list(target)) {
                            for (Path child : (Iterable<Path>) children::iterator) {
                                FileTrees.delete(child);
                            }
                        }
                    }
                } else {
                    FileTrees.delete(target);
                }
            }
            copyTree(layer.rootfs(), rootfs);
        }
        return List.of(rootfs);
    }

    @Override
    public void disassemble(Path container) {
        // nothing mounted
    }

    /** @return the path under root if every parent is a real directory, else null (it cannot exist there) */
    private static Path inside(Path root, String relative) throws IOException {
        Path path = root;
        String[] parts = relative.split("/");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].equals(".")) {
                continue;
            }
            if (parts[i].equals("..")) {
                return null;
            }
            path = path.resolve(parts[i]);
            if (i < parts.length - 1 && !isRealDirectory(path)) {
                return null;
            }
        }
        return path;
    }

    private void copyTree(Path source, Path target) throws IOException {
        try (var children = Files.list(source)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                Path dest = target.resolve(child.getFileName().toString());
                BasicFileAttributes src = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                BasicFileAttributes existing = FileTrees.attributes(dest);
                if (src.isOther()) {
                    continue; // an overlay whiteout left by the overlay backend: recorded whiteouts do the job
                }
                if (src.isDirectory()) {
                    if (existing != null && !existing.isDirectory()) {
                        FileTrees.delete(dest);
                        existing = null;
                    }
                    if (existing == null) {
                        Files.createDirectory(dest);
                    }
                    copyTree(child, dest);
                    copyAttributes(child, dest);
                } else {
                    if (existing != null) {
                        FileTrees.delete(dest);
                    }
                    Files.copy(child, dest, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    if (chown && !src.isSymbolicLink()) {
                        copyOwner(child, dest);
                        Files.setAttribute(dest, "unix:mode", Files.getAttribute(child, "unix:mode",
                                LinkOption.NOFOLLOW_LINKS), LinkOption.NOFOLLOW_LINKS);
                    } else if (chown) {
                        copyOwner(child, dest);
                    }
                }
            }
        }
    }

    private void copyAttributes(Path source, Path dest) throws IOException {
        if (chown) {
            copyOwner(source, dest);
        }
        Files.setAttribute(dest, "unix:mode", Files.getAttribute(source, "unix:mode", LinkOption.NOFOLLOW_LINKS),
                LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(dest, (FileTime) Files.getAttribute(source, "lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS));
    }

    private static void copyOwner(Path source, Path dest) throws IOException {
        Files.setAttribute(dest, "unix:uid", Files.getAttribute(source, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(dest, "unix:gid", Files.getAttribute(source, "unix:gid", LinkOption.NOFOLLOW_LINKS),
                LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean isRealDirectory(Path path) throws IOException {
        BasicFileAttributes a = FileTrees.attributes(path);
        return a != null && a.isDirectory();
    }
}
