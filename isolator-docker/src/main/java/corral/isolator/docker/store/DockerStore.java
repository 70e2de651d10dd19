package corral.isolator.docker.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import corral.isolator.spi.docker.ImageManifest;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * The local docker image store: finds an image's archive under {@code --docker_registry}, and
 * extracts each of its layers once into {@code <docker_store_dir>/layers/<hex of diff id>},
 * verified against the digests the image declares. A layer already in the store is never extracted
 * again, whichever image or container asks for it. Extraction goes to
 * {@code <docker_store_dir>/staging/} first and is renamed into place only when complete and
 * verified, so a crash or a refused layer leaves no partial layer behind. Thread-safe.
 */
public final class DockerStore {

    static final String WHITEOUTS = "whiteouts";
    private static final String LOCK = ".lock";
    /** How old an unlocked staging entry must be before an agent starting up removes it. */
    private static final Duration STAGING_GRACE = Duration.ofMinutes(1);
    /** Layers at least this large (in the archive) report their extraction every tenth. */
    static final long LARGE_LAYER = 16L << 20;
    private static final System.Logger LOG = System.getLogger(DockerStore.class.getName());

    private final Path storeDir;
    private final Path registry;
    private final SetuidPolicy setuid;
    private final boolean chown;
    private final ConcurrentHashMap<String, Object> layerLocks = new ConcurrentHashMap<>();
    private final AtomicLong extracted = new AtomicLong();
    private final long largeLayer;
    private final Consumer<String> progress;

    /**
     * @param storeDir {@code --docker_store_dir}; created when missing
     * @param registry {@code --docker_registry}, a local directory of image archives
     * @param setuid what to do with set-user-id and set-group-id files in layers
     * @param chown whether extracted files get their owners from the archive (needs root)
     * @throws IOException when the store directory cannot be created
     */
    public DockerStore(Path storeDir, Path registry, SetuidPolicy setuid, boolean chown) throws IOException {
        this(storeDir, registry, setuid, chown, LARGE_LAYER, DockerStore::progress);
    }

    /**
     * @param largeLayer from which size an archive member reports its progress every tenth
     * @param progress where progress lines go (the agent's log, INFO, which {@code bin/agent} shows on stderr)
     */
    DockerStore(Path storeDir, Path registry, SetuidPolicy setuid, boolean chown, long largeLayer,
            Consumer<String> progress) throws IOException {
        this.largeLayer = largeLayer;
        this.progress = progress;
        this.storeDir = storeDir.toAbsolutePath().normalize();
        this.registry = registry.toAbsolutePath().normalize();
        this.setuid = setuid;
        this.chown = chown;
        Files.createDirectories(this.storeDir.resolve("layers"));
        Files.createDirectories(this.storeDir.resolve("staging"));
        Files.setAttribute(this.storeDir, "unix:mode", 0700);
    }

    /** @return {@code <docker_store_dir>/layers} */
    public Path layersDirectory() {
        return storeDir.resolve("layers");
    }

    /**
     * @return how many layers this store has extracted from archives since it was created (a layer
     *     found in the store already is not extracted, and not counted)
     */
    public long extractedLayers() {
        return extracted.get();
    }

    /**
     * Removes what interrupted extractions left in {@code staging/}, leaving alone the extractions
     * another agent sharing the store is doing (their lock is held). Call at agent start.
     *
     * @throws IOException when it cannot be removed
     */
    public void removeStaging() throws IOException {
        try (var leftovers = Files.list(storeDir.resolve("staging"))) {
            for (Path p : (Iterable<Path>) leftovers::iterator) {
                String name = p.getFileName().toString();
                Path lock = name.endsWith(LOCK) ? p : p.resolveSibling(name + LOCK);
                if (inUse(lock) || isRecent(p)) {
                    continue;
                }
                FileTrees.delete(p);
                Files.deleteIfExists(lock);
            }
        }
    }

    /**
     * An extraction creates its lock file and then locks it: in between, and before its staging
     * directory exists, it looks dead. Nothing that young is a crash's leftover.
     */
    private static boolean isRecent(Path path) throws IOException {
        try {
            FileTime modified = Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
            return modified.toInstant().isAfter(Instant.now().minus(STAGING_GRACE));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** @return whether a process (this one included) holds the lock of an extraction in progress */
    private static boolean inUse(Path lock) throws IOException {
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock free = channel.tryLock();
            if (free == null) {
                return true;
            }
            free.release();
            return false;
        } catch (NoSuchFileException e) {
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this agent: file locks belong to the whole JVM
        }
    }

    /**
     * Makes sure every layer of an image is in the store.
     *
     * @param reference the image
     * @return the image with its stored layers
     * @throws ImageException naming the image, and the layer and entry when one is at fault
     */
    public StoredImage get(ImageReference reference) {
        Path archivePath = null;
        boolean namedAfterImage = false;
        for (String candidate : candidates(reference)) {
            Path p = registry.resolve(candidate + ".tar").normalize();
            if (p.startsWith(registry) && Files.isRegularFile(p)) {
                archivePath = p;
                namedAfterImage = candidate.equals(reference.given());
                break;
            }
        }
        if (archivePath == null) {
            throw new ImageException("Failed to find docker image '" + reference + "': no archive "
                    + String.join(" or ", candidates(reference).stream().map(c -> "'" + registry.resolve(c + ".tar")
                    + "'").toList()) + " (--docker_registry)");
        }
        try (ImageArchive archive = new ImageArchive(archivePath)) {
            ImageArchive.Selected selected = archive.select(reference, namedAfterImage);
            byte[] configBytes = archive.read(selected.configMember());
            String id = Digests.of(configBytes);
            if (selected.configDigest().isPresent() && !selected.configDigest().get().equals(id)) {
                throw new ImageException("Docker image '" + reference + "' in '" + archivePath
                        + "': its configuration does not match its digest: expected " + selected.configDigest().get()
                        + ", got " + id);
            }
            String configJson = new String(configBytes, StandardCharsets.UTF_8);
            ImageManifest manifest = manifest(reference, configJson);
            List<String> diffIds = diffIds(reference, configJson);
            if (diffIds.size() != selected.layers().size()) {
                throw new ImageException("Docker image '" + reference + "' in '" + archivePath + "' lists "
                        + selected.layers().size() + " layers but its configuration has " + diffIds.size()
                        + " diff_ids");
            }
            List<StoredLayer> layers = new ArrayList<>();
            for (int i = 0; i < diffIds.size(); i++) {
                layers.add(layer(reference, archive, selected.layers().get(i), diffIds.get(i), i + 1, diffIds.size()));
            }
            return new StoredImage(reference, id, manifest, layers);
        } catch (IOException e) {
            throw new ImageException("Failed to get docker image '" + reference + "': " + e.getMessage(), e);
        }
    }

    private List<String> candidates(ImageReference reference) {
        List<String> out = new ArrayList<>();
        out.add(reference.given());
        if (!reference.repository().equals(reference.given())) {
            out.add(reference.repository());
        }
        if (!reference.shortRepository().equals(reference.repository())) {
            out.add(reference.shortRepository());
        }
        return out;
    }

    private StoredLayer layer(ImageReference reference, ImageArchive archive, ImageArchive.LayerMember member,
            String diffId, int number, int count) throws IOException {
        String hex = diffId.substring("sha256:".length());
        Path directory = layersDirectory().resolve(hex);
        Object lock = layerLocks.computeIfAbsent(hex, k -> new Object());
        synchronized (lock) {
            if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                LOG.log(Level.DEBUG, "Layer " + diffId + " of image '" + reference + "' is in the store already");
                return new StoredLayer(diffId, directory);
            }
            String what = "layer " + number + "/" + count + " (" + diffId + ") of image '" + reference + "'";
            long size = archive.size(member.member());
            if (size < 0) {
                throw new IOException("the archive has no member '" + member.member() + "' for " + what);
            }
            progress.accept("Extracting " + what + ": " + megabytes(size) + " from '" + archive.path() + "'");
            extracted.incrementAndGet();
            long started = System.nanoTime();
            Path staging = storeDir.resolve("staging").resolve(hex + "." + UUID.randomUUID());
            // locked while in use: an agent starting meanwhile (removeStaging) leaves it alone
            Path stagingLock = staging.resolveSibling(staging.getFileName() + LOCK);
            try (FileChannel lockFile = FileChannel.open(stagingLock, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE); FileLock held = lockFile.lock()) {
                try {
                    Files.createDirectory(staging);
                    Path rootfs = staging.resolve("rootfs");
                    Files.createDirectory(rootfs);
                    Files.setAttribute(rootfs, "unix:mode", 0755);
                    LayerExtractor extractor = new LayerExtractor(rootfs, what, setuid, chown);
                    MessageDigest blob = Digests.sha256();
                    MessageDigest diff = Digests.sha256();
                    CountingStream counted = new CountingStream(archive.open(member.member()));
                    Runnable afterEntry = size < largeLayer ? () -> { } : tenths(what, size, counted);
                    try (InputStream raw = new ReadingDigestStream(counted, blob);
                            BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16)) {
                        buffered.mark(4);
                        byte[] magic = buffered.readNBytes(4);
                        buffered.reset();
                        InputStream uncompressed;
                        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                            uncompressed = new GZIPInputStream(buffered, 1 << 16);
                        } else if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
                            throw new IOException(what + " is zstd-compressed, which is not supported");
                        } else {
                            uncompressed = buffered;
                        }
                        DigestInputStream digesting = new ReadingDigestStream(uncompressed, diff);
                        extractor.extract(digesting, afterEntry);
                        digesting.transferTo(OutputStream.nullOutputStream());
                        buffered.transferTo(OutputStream.nullOutputStream());
                    }
                    String blobDigest = Digests.of(blob);
                    if (member.blobDigest().isPresent() && !member.blobDigest().get().equals(blobDigest)) {
                        throw new IOException(what + " (archive member '" + member.member()
                                + "') does not match its digest: expected " + member.blobDigest().get() + ", got "
                                + blobDigest);
                    }
                    String diffDigest = Digests.of(diff);
                    if (!diffDigest.equals(diffId)) {
                        throw new IOException(what + " (archive member '" + member.member()
                                + "') does not match its diff_id: expected " + diffId + ", got " + diffDigest);
                    }
                    List<String> lines = extractor.whiteouts().stream().map(Whiteout::line).toList();
                    Files.write(staging.resolve(WHITEOUTS), lines);
                    if (!publish(staging, directory)) {
                        LOG.log(Level.DEBUG, "Layer " + diffId + " appeared in the store meanwhile");
                    }
                    progress.accept("Extracted " + what + ": " + extractor.entries() + " entries, "
                            + megabytes(extractor.bytes()) + " in " + (System.nanoTime() - started) / 1_000_000
                            + " ms");
                    return new StoredLayer(diffId, directory);
                } finally {
                    FileTrees.delete(staging);
                }
            } finally {
                Files.deleteIfExists(stagingLock);
            }
        }
    }

    /** The agent's progress lines: its log, which {@code bin/agent} prints on stderr. */
    private static void progress(String line) {
        LOG.log(Level.INFO, line);
    }

    /** @return a report of each tenth of the archive member read, so that a large layer is seen to move */
    private Runnable tenths(String what, long size, CountingStream counted) {
        int[] reported = {0};
        return () -> {
            int tenth = (int) Math.min(10, counted.count * 10 / size);
            if (tenth > reported[0] && tenth < 10) {
                reported[0] = tenth;
                progress.accept("Extracting " + what + ": " + tenth * 10 + "% (" + megabytes(counted.count) + " of "
                        + megabytes(size) + ")");
            }
        };
    }

    /**
     * Renames a complete, verified layer into place, atomically.
     *
     * @return false when another agent stored the same layer meanwhile (its copy is kept, ours is
     *     left in staging for the caller to delete)
     */
    static boolean publish(Path staging, Path directory) throws IOException {
        try {
            Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename '" + staging + "' to '" + directory + "' atomically", e);
        } catch (FileSystemException e) {
            // rename(2) onto a non-empty directory fails with ENOTEMPTY (or EEXIST)
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            return false;
        }
    }

    private static String megabytes(long bytes) {
        return String.format("%.1f MB", bytes / 1048576.0);
    }

    private ImageManifest manifest(ImageReference reference, String configJson) {
        try {
            ImageManifest.Builder manifest = ImageManifest.newBuilder();
            JsonFormat.parser().ignoringUnknownFields().merge(configJson, manifest);
            return manifest.build();
        } catch (InvalidProtocolBufferException e) {
            throw new ImageException("Docker image '" + reference + "' has a configuration Corral cannot read: "
                    + e.getMessage());
        }
    }

    private List<String> diffIds(ImageReference reference, String configJson) {
        try {
            Value.Builder value = Value.newBuilder();
            JsonFormat.parser().merge(configJson, value);
            Value rootfs = value.getStructValue().getFieldsMap().get("rootfs");
            Value ids = rootfs == null ? null : rootfs.getStructValue().getFieldsMap().get("diff_ids");
            if (ids == null || !ids.hasListValue()) {
                throw new ImageException("Docker image '" + reference + "' has no rootfs.diff_ids in its configuration");
            }
            List<String> out = new ArrayList<>();
            for (Value id : ids.getListValue().getValuesList()) {
                String s = id.getStringValue();
                if (!s.matches("sha256:[0-9a-f]{64}")) {
                    throw new ImageException("Docker image '" + reference + "' has an unsupported diff_id '" + s + "'");
                }
                out.add(s);
            }
            return out;
        } catch (InvalidProtocolBufferException e) {
            throw new ImageException("Docker image '" + reference + "' has a configuration that is not JSON: "
                    + e.getMessage());
        }
    }

    /** @return the store directory */
    public Path directory() {
        return storeDir;
    }

    /** @return where archives are looked up */
    public Path registry() {
        return registry;
    }

    /** Counts the bytes read from an archive member. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            count += Math.max(0, skipped);
            return skipped;
        }
    }

    /** A digesting stream whose {@code skip} reads, so that skipped bytes are digested too. */
    private static final class ReadingDigestStream extends DigestInputStream {
        private final byte[] scratch = new byte[8192];

        ReadingDigestStream(InputStream in, MessageDigest digest) {
            super(in, digest);
        }

        @Override
        public long skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                int r = read(scratch, 0, (int) Math.min(scratch.length, left));
                if (r < 0) {
                    break;
                }
                left -= r;
            }
            return n - left;
        }
    }
}
