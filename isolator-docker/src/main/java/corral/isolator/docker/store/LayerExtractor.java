package corral.isolator.docker.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Extracts one layer's tar stream into an empty directory, refusing anything that could reach
 * outside it or that does not belong in an image.
 *
 * <p>Rules: member names must be relative and free of {@code ..}; nothing is ever written through a
 * symlink (every parent is checked without following links); symlinks may point anywhere inside the
 * root filesystem (absolute targets are resolved against the container's root, never followed
 * here) but a relative target must not climb above the layer; hard links must name a file extracted
 * earlier from the same layer; device nodes are refused (the container's {@code /dev} comes from
 * {@code filesystem/linux}); FIFOs are skipped with a warning; set-user-id and set-group-id files
 * follow the {@link SetuidPolicy}. Whiteouts are not extracted but returned, to be applied when
 * the root filesystem is assembled.
 *
 * <p>Not thread-safe; one instance per layer.
 */
final class LayerExtractor {

    private static final System.Logger LOG = System.getLogger(LayerExtractor.class.getName());
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final Path root;
    private final String what;
    private final SetuidPolicy setuid;
    private final boolean chown;
    private final List<Whiteout> whiteouts = new ArrayList<>();
    private final List<DirectoryAttributes> directories = new ArrayList<>();
    private long bytes;
    private long entries;

    private record DirectoryAttributes(Path path, int mode, long uid, long gid, long mtime) {
    }

    /**
     * @param root the empty directory to extract into
     * @param what the layer and image, for messages, such as {@code layer sha256:ab12 of image 'busybox'}
     * @param setuid what to do with set-user-id and set-group-id files
     * @param chown whether to give members their owners from the archive (needs root)
     */
    LayerExtractor(Path root, String what, SetuidPolicy setuid, boolean chown) {
        this.root = root;
        this.what = what;
        this.setuid = setuid;
        this.chown = chown;
    }

    /**
     * @param layer the uncompressed layer tar stream
     * @param afterEntry called after each member, for progress reports
     * @throws UnsafeLayerException for a member the rules refuse
     * @throws IOException when the archive is malformed or the disk fails
     */
    void extract(InputStream layer, Runnable afterEntry) throws IOException {
        TarReader reader = new TarReader(layer);
        for (TarEntry entry = reader.next(); entry != null; entry = reader.next()) {
            entries++;
            extract(entry, reader);
            afterEntry.run();
        }
        // deepest first, so that a read-only directory does not stop its children from being set
        for (int i = directories.size() - 1; i >= 0; i--) {
            DirectoryAttributes d = directories.get(i);
            // a later member may have replaced the directory, or one of its parents, by a symlink:
            // NOFOLLOW only protects the last component, so the whole path is checked again
            if (!isRealDirectory(d.path)) {
                LOG.log(Level.DEBUG, "Not setting the attributes of '" + root.relativize(d.path) + "' in " + what
                        + ": a later member replaced it or a parent");
                continue;
            }
            if (chown) {
                Files.setAttribute(d.path, "unix:uid", (int) d.uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(d.path, "unix:gid", (int) d.gid, LinkOption.NOFOLLOW_LINKS);
            }
            Files.setAttribute(d.path, "unix:mode", d.mode, LinkOption.NOFOLLOW_LINKS);
            Files.getFileAttributeView(d.path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.fromMillis(d.mtime * 1000), null, null);
        }
    }

    /** @return whether the path, and every directory between the root and it, is a directory and not a symlink */
    private boolean isRealDirectory(Path path) throws IOException {
        Path p = root;
        for (Path part : root.relativize(path)) {
            p = p.resolve(part);
            BasicFileAttributes attributes = FileTrees.attributes(p);
            if (attributes == null || !attributes.isDirectory()) {
                return false;
            }
        }
        return true;
    }

    /** @return the whiteouts the layer declared, in archive order */
    List<Whiteout> whiteouts() {
        return List.copyOf(whiteouts);
    }

    /** @return the bytes of file content extracted */
    long bytes() {
        return bytes;
    }

    /** @return the number of archive members read */
    long entries() {
        return entries;
    }

    private void extract(TarEntry entry, TarReader reader) throws IOException {
        List<String> parts = components(entry.name(), entry.name(), "is an absolute path");
        if (parts.isEmpty()) {
            return; // "./" itself: the layer root, which already exists
        }
        String base = parts.get(parts.size() - 1);
        String relative = String.join("/", parts);
        if (base.startsWith(WHITEOUT_PREFIX)) {
            Path parent = directory(parts, parts.size() - 1, entry.name());
            String parentPath = String.join("/", parts.subList(0, parts.size() - 1));
            if (base.equals(OPAQUE)) {
                whiteouts.add(new Whiteout(parentPath.isEmpty() ? "." : parentPath, true));
            } else if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) {
                LOG.log(Level.DEBUG, "Ignoring aufs metadata '" + entry.name() + "' in " + what);
            } else {
                String removed = base.substring(WHITEOUT_PREFIX.length());
                if (removed.isEmpty()) {
                    throw refuse(entry, "is a whiteout without a name");
                }
                whiteouts.add(new Whiteout(parentPath.isEmpty() ? removed : parentPath + "/" + removed, false));
            }
            return;
        }
        Path parent = directory(parts, parts.size() - 1, entry.name());
        Path target = child(parent, base, entry.name());
        switch (entry.type()) {
            case TarEntry.DIRECTORY -> {
                BasicFileAttributes existing = FileTrees.attributes(target);
                if (existing != null && !existing.isDirectory()) {
                    FileTrees.delete(target);
                    existing = null;
                }
                if (existing == null) {
                    Files.createDirectory(target);
                }
                directories.add(new DirectoryAttributes(target, entry.mode(), entry.uid(), entry.gid(),
                        entry.mtimeSeconds()));
            }
            case TarEntry.FILE, TarEntry.CONTIGUOUS -> {
                int mode = checkSetuid(entry);
                replace(target);
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    bytes += reader.content().transferTo(out);
                }
                owner(target, entry);
                Files.setAttribute(target, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
                Files.setLastModifiedTime(target, FileTime.fromMillis(entry.mtimeSeconds() * 1000));
            }
            case TarEntry.SYMLINK -> {
                checkSymlinkTarget(entry, parts);
                replace(target);
                try {
                    Files.createSymbolicLink(target, Path.of(entry.linkName()));
                } catch (InvalidPathException e) {
                    throw refuse(entry, "is a symlink to an invalid path");
                }
                owner(target, entry);
            }
            case TarEntry.HARDLINK -> {
                List<String> linked = components(entry.linkName(), entry.name(),
                        "is a hard link to '" + entry.linkName() + "', outside the layer");
                Path existing = existingFile(linked);
                if (existing == null) {
                    throw refuse(entry, "is a hard link to '" + entry.linkName()
                            + "', which is not a file extracted earlier from this layer");
                }
                replace(target);
                Files.createLink(target, existing);
            }
            case TarEntry.CHAR_DEVICE, TarEntry.BLOCK_DEVICE -> throw refuse(entry, "is a " + entry.typeName()
                    + "; device nodes are not allowed in image layers (filesystem/linux gives containers their own /dev)");
            case TarEntry.FIFO -> LOG.log(Level.WARNING, "Skipping FIFO '" + relative + "' in " + what
                    + ": FIFOs are not extracted from image layers");
            default -> throw refuse(entry, "has the unsupported tar type '" + entry.type() + "'");
        }
    }

    private int checkSetuid(TarEntry entry) throws UnsafeLayerException {
        int mode = entry.mode();
        if ((mode & 06000) == 0) {
            return mode;
        }
        return switch (setuid) {
            case KEEP -> mode;
            case STRIP -> {
                LOG.log(Level.INFO, "Stripping set-user-id/set-group-id from '" + entry.name() + "' (mode "
                        + Integer.toOctalString(mode) + ") in " + what);
                yield mode & ~06000;
            }
            case REFUSE -> throw refuse(entry, "is set-user-id or set-group-id (mode "
                    + Integer.toOctalString(mode) + "), refused by docker_layer_setuid=refuse");
        };
    }

    private void checkSymlinkTarget(TarEntry entry, List<String> parts) throws UnsafeLayerException {
        String link = entry.linkName();
        if (link.isEmpty()) {
            throw refuse(entry, "is a symlink without a target");
        }
        if (link.startsWith("/")) {
            return; // resolved against the container's root once it runs; never followed on the host
        }
        int depth = parts.size() - 1;
        for (String part : link.split("/")) {
            if (part.equals("..")) {
                if (--depth < 0) {
                    throw refuse(entry, "is a symlink to '" + link + "', which points outside the layer");
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
            }
        }
    }

    private void owner(Path target, TarEntry entry) throws IOException {
        if (chown) {
            Files.setAttribute(target, "unix:uid", (int) entry.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(target, "unix:gid", (int) entry.gid(), LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** Walks (and creates) the first {@code count} components as real directories, never through a symlink. */
    private Path directory(List<String> parts, int count, String name) throws IOException {
        Path dir = root;
        for (int i = 0; i < count; i++) {
            dir = child(dir, parts.get(i), name);
            BasicFileAttributes attributes = FileTrees.attributes(dir);
            if (attributes == null) {
                Files.createDirectory(dir);
            } else if (attributes.isSymbolicLink()) {
                throw new UnsafeLayerException("Refusing " + what + ": entry '" + name
                        + "' would be written through the symlink '" + String.join("/", parts.subList(0, i + 1)) + "'");
            } else if (!attributes.isDirectory()) {
                throw new UnsafeLayerException("Refusing " + what + ": entry '" + name + "' would be written under '"
                        + String.join("/", parts.subList(0, i + 1)) + "', which is not a directory");
            }
        }
        return dir;
    }

    private Path existingFile(List<String> parts) throws IOException {
        Path path = root;
        for (int i = 0; i < parts.size(); i++) {
            path = path.resolve(parts.get(i));
            BasicFileAttributes attributes = FileTrees.attributes(path);
            boolean last = i == parts.size() - 1;
            if (attributes == null || (last ? !attributes.isRegularFile() : !attributes.isDirectory())) {
                return null;
            }
        }
        return parts.isEmpty() ? null : path;
    }

    private Path child(Path dir, String part, String name) throws UnsafeLayerException {
        try {
            Path child = dir.resolve(part);
            if (!child.getParent().equals(dir)) {
                throw new UnsafeLayerException("Refusing " + what + ": entry '" + name + "' has an invalid name");
            }
            return child;
        } catch (InvalidPathException e) {
            throw new UnsafeLayerException("Refusing " + what + ": entry '" + name + "' has an invalid name");
        }
    }

    /** Removes whatever a new non-directory member replaces (later members win, as in tar). */
    private void replace(Path target) throws IOException {
        if (FileTrees.attributes(target) != null) {
            FileTrees.delete(target);
        }
    }

    private List<String> components(String path, String entryName, String absoluteReason) throws UnsafeLayerException {
        if (path.startsWith("/")) {
            throw new UnsafeLayerException("Refusing " + what + ": entry '" + entryName + "' " + absoluteReason);
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw new UnsafeLayerException("Refusing " + what + ": entry '" + entryName + "' "
                        + (path.equals(entryName) ? "has a '..' component" : "links to '" + path
                        + "', which has a '..' component (outside the layer)"));
            }
            if (part.indexOf('\0') >= 0) {
                throw new UnsafeLayerException("Refusing " + what + ": entry '" + entryName + "' has an invalid name");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }

    private UnsafeLayerException refuse(TarEntry entry, String reason) {
        return new UnsafeLayerException("Refusing " + what + ": entry '" + entry.name() + "' " + reason);
    }
}
