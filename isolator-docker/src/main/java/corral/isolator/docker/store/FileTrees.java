package corral.isolator.docker.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * File-tree helpers that never follow a symbolic link, shared by the layer extractor and the copy
 * backend: both work in directories whose content comes from untrusted image layers. Thread-safe.
 */
public final class FileTrees {

    private FileTrees() {
    }

    /**
     * @param path any path
     * @return the attributes of the path itself (a link is not followed), or {@code null} when nothing is there
     * @throws IOException when they cannot be read
     */
    public static BasicFileAttributes attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Deletes a file, link or directory tree without following symbolic links; nothing there is fine.
     *
     * @param path what to delete
     * @throws IOException when something cannot be deleted
     */
    public static void delete(Path path) throws IOException {
        BasicFileAttributes attributes = attributes(path);
        if (attributes == null) {
            return;
        }
        if (attributes.isDirectory()) {
            try (var children = Files.list(path)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    delete(child);
                }
            }
        }
        try {
            Files.delete(path);
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            // gone already
        }
    }
}
