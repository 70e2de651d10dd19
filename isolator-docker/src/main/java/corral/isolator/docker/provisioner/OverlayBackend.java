package corral.isolator.docker.provisioner;

import corral.bindings.NativeException;
import corral.bindings.OverlayMounts;
import corral.isolator.docker.store.FileTrees;
import corral.isolator.docker.store.StoredLayer;
import corral.isolator.docker.store.Whiteout;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Overlay backend: the stored layers are overlayfs lower directories (shared, read-only), the
 * container's writes go to {@code upper/} in its provisioner directory. Before a layer is first
 * used this way its whiteouts are written in overlayfs's form (a 0/0 character device for a removed
 * path, {@code trusted.overlay.opaque=y} for an opaque directory), once, recorded by an
 * {@code overlay-whiteouts} marker in the layer's store directory. Needs root.
 */
final class OverlayBackend implements Backend {

    private static final System.Logger LOG = System.getLogger(OverlayBackend.class.getName());
    static final String MARKER = "overlay-whiteouts";
    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "overlay";
    }

    @Override
    public List<Path> assemble(List<StoredLayer> layers, Path container) throws IOException {
        // topmost first; a layer the image has twice (same diff id, one store directory) only at
        // its topmost place: overlayfs refuses a lower directory given twice (ELOOP), and a
        // layer applied again on top subsumes what its earlier occurrence did
        List<Path> lower = new ArrayList<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            StoredLayer layer = layers.get(i);
            if (!lower.contains(layer.rootfs())) {
                convertWhiteouts(layer);
                lower.add(layer.rootfs());
            }
        }
        Path upper = container.resolve("upper");
        Path work = container.resolve("work");
        Files.createDirectories(upper);
        Files.createDirectories(work);
        Files.setAttribute(upper, "unix:mode", 0755);
        Path rootfs = container.resolve("rootfs");
        if (optionsLength(lower, upper, work) < OPTIONS_LIMIT) {
            OverlayMounts.mountOverlay(lower, upper, work, rootfs);
        } else {
            mountThroughShortLinks(lower, upper, work, rootfs);
        }
        return List.of(upper);
    }

    /** mount(2) takes at most a page of options; leave room for escapes. */
    private static final int OPTIONS_LIMIT = 3800;

    private static int optionsLength(List<Path> lower, Path upper, Path work) {
        int length = 40 + upper.toString().length() + work.toString().length();
        for (Path p : lower) {
            length += p.toString().length() + 1;
        }
        return length;
    }

    /**
     * Many layers do not fit in a page of mount options: name them through short symlinks in a
     * fresh directory under /tmp, as Mesos does. overlayfs resolves its lower directories when
     * mounting, so the links are removed right after.
     */
    private static void mountThroughShortLinks(List<Path> lower, Path upper, Path work, Path rootfs)
            throws IOException {
        Path links = null;
        java.security.SecureRandom random = new java.security.SecureRandom();
        for (int attempt = 0; links == null; attempt++) {
            Path candidate = Path.of("/tmp", "cov" + Long.toString(random.nextLong() & 0xffffffffL, 36));
            try {
                links = Files.createDirectory(candidate, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
        try {
            List<Path> shortLower = new ArrayList<>();
            for (int i = 0; i < lower.size(); i++) {
                shortLower.add(Files.createSymbolicLink(links.resolve(Integer.toString(i, 36)), lower.get(i)));
            }
            OverlayMounts.mountOverlay(shortLower, upper, work, rootfs);
        } finally {
            FileTrees.delete(links);
        }
    }

    @Override
    public void disassemble(Path container) throws IOException {
        Path rootfs = container.resolve("rootfs");
        if (!Mountinfo.isMountPoint(rootfs)) {
            return;
        }
        try {
            OverlayMounts.unmount(rootfs, 0);
        } catch (NativeException e) {
            LOG.log(Level.WARNING, "Detaching busy root filesystem " + rootfs + " (" + e.getMessage() + ")");
            OverlayMounts.unmount(rootfs, OverlayMounts.MNT_DETACH);
        }
    }

    /**
     * Writes a layer's whiteouts in overlayfs's form, once per store: in-process callers are
     * serialised by a monitor, other agents sharing the store by a lock on {@code overlay-whiteouts.lock}.
     */
    private static void convertWhiteouts(StoredLayer layer) throws IOException {
        Path marker = layer.directory().resolve(MARKER);
        synchronized (LOCKS.computeIfAbsent(layer.directory(), k -> new Object())) {
            if (Files.exists(marker)) {
                return;
            }
            try (FileChannel lockFile = FileChannel.open(layer.directory().resolve(MARKER + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                if (Files.exists(marker)) {
                    return; // another agent converted it meanwhile
                }
                for (Whiteout w : layer.whiteouts()) {
                    Path path = realPath(layer.rootfs(), w.path());
                    if (path == null) {
                        // a later member of the layer replaced a parent by a symlink or a file: that
                        // entry hides the lower layers' path already, and nothing is written through it
                        LOG.log(Level.DEBUG, "Whiteout '" + w.path() + "' of layer " + layer.digest()
                                + " is not under real directories; it hides nothing more");
                        continue;
                    }
                    BasicFileAttributes existing = FileTrees.attributes(path);
                    if (w.opaque()) {
                        if (existing != null && existing.isDirectory()) {
                            OverlayMounts.markOpaque(path);
                        }
                    } else if (existing == null) {
                        OverlayMounts.makeWhiteout(path);
                    }
                }
                Path temporary = layer.directory().resolve(MARKER + ".tmp");
                Files.writeString(temporary, "converted\n");
                Files.move(temporary, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * @return {@code root/relative} when every directory between root and it is a real directory
     *     (not a symlink: mknod and setxattr follow links in every component), else null
     */
    static Path realPath(Path root, String relative) throws IOException {
        List<String> parts = new ArrayList<>();
        for (String part : relative.split("/")) {
            if (part.equals("..")) {
                return null;
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        Path path = root;
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                BasicFileAttributes parent = FileTrees.attributes(path);
                if (parent == null || !parent.isDirectory()) {
                    return null;
                }
            }
            path = path.resolve(parts.get(i));
        }
        return path;
    }
}
