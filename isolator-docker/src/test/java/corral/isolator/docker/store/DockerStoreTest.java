package corral.isolator.docker.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import corral.isolator.docker.testimages.TarBuilder;
import corral.isolator.docker.testimages.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerStoreTest {

    @TempDir
    Path tmp;
    Path registry;
    Path storeDir;
    DockerStore store;
    final boolean root = "0".equals(uid());

    @BeforeEach
    void setUp() throws IOException {
        registry = Files.createDirectories(tmp.resolve("registry"));
        storeDir = tmp.resolve("store");
        store = new DockerStore(storeDir, registry, SetuidPolicy.KEEP, root);
    }

    @Test
    void extractsEveryLayerVerifiedIntoTheStoreKeyedByDiffId() throws IOException {
        assumeTrue(TestImages.busyboxAvailable(), "busybox-static is not installed (apt-get install -y busybox-static)");
        TestImages.Image image = TestImages.busybox();
        image.writeDockerSave(registry.resolve("busybox.tar"), "busybox:1.0");

        StoredImage stored = store.get(ImageReference.parse("busybox:1.0"));

        assertEquals(image.diffIds(), stored.layers().stream().map(StoredLayer::digest).toList());
        for (StoredLayer layer : stored.layers()) {
            assertEquals(storeDir.resolve("layers").resolve(layer.digest().substring(7)), layer.directory());
        }
        Path l1 = stored.layers().get(0).rootfs();
        assertArrayEquals(Files.readAllBytes(TestImages.BUSYBOX), Files.readAllBytes(l1.resolve("bin/busybox")));
        assertEquals(0755, mode(l1.resolve("bin/busybox")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(l1.resolve("bin/sh")));
        assertTrue(Files.isSameFile(l1.resolve("bin/busybox"), l1.resolve("bin/ls")), "bin/ls is a hard link");
        assertEquals(01777, mode(l1.resolve("tmp")));

        Path l2 = stored.layers().get(1).rootfs();
        assertEquals(List.of(new Whiteout("etc/removed-later", false), new Whiteout("old", true)),
                stored.layers().get(1).whiteouts());
        try (Stream<Path> all = Files.walk(l2)) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().startsWith(".wh.")), "no .wh. file is extracted");
        }
        assertEquals("long name\n", Files.readString(l2.resolve("deep/" + "d".repeat(60) + "/" + "f".repeat(60))));
        assertEquals("hello\n", Files.readString(stored.layers().get(2).rootfs().resolve("data/hello.txt")));

        assertEquals(List.of("PATH=/bin", "GREETING=hello from image", "DUP=image"), stored.manifest().getConfig().getEnvList());
        assertEquals(List.of("/bin/sh", "-c", "echo \"$GREETING\"; pwd"), stored.manifest().getConfig().getCmdList());
        assertEquals(0, stored.manifest().getConfig().getEntrypointCount());
        assertEquals("/work/dir", stored.manifest().getConfig().getWorkingDir());
        assertEquals(TestImages.digest(image.configJson().getBytes(java.nio.charset.StandardCharsets.UTF_8)), stored.id());
        assertEmpty(storeDir.resolve("staging"));
    }

    @Test
    void aLayerInTheStoreIsNeverExtractedAgain() throws IOException {
        TestImages.Image image = smallImage();
        image.writeDockerSave(registry.resolve("small.tar"), "small:1");
        StoredImage first = store.get(ImageReference.parse("small:1"));
        Path layer = first.layers().get(0).directory();
        Object inode = Files.getAttribute(layer.resolve("rootfs/hello"), "unix:ino");
        Files.writeString(layer.resolve("sentinel"), "left alone");

        // the same layer under another name and in another format: shared, not extracted again
        image.writeOciLayout(registry.resolve("other.tar"), "2");
        StoredImage second = store.get(ImageReference.parse("other:2"));

        assertEquals(first.layers(), second.layers());
        assertEquals(1, store.extractedLayers(), "extracted for the first image only");
        assertEquals(inode, Files.getAttribute(layer.resolve("rootfs/hello"), "unix:ino"));
        assertEquals("left alone", Files.readString(layer.resolve("sentinel")));
        try (Stream<Path> layers = Files.list(storeDir.resolve("layers"))) {
            assertEquals(1, layers.count());
        }

        // a restarted agent: a new store over the same directory finds the layer
        DockerStore restarted = new DockerStore(storeDir, registry, SetuidPolicy.KEEP, root);
        assertEquals(first.layers(), restarted.get(ImageReference.parse("small:1")).layers());
        assertEquals(0, restarted.extractedLayers());
    }

    @Test
    void concurrentLaunchesOfOneImageExtractEachLayerOnce() throws Exception {
        TestImages.Image image = threeLayers();
        image.writeDockerSave(registry.resolve("three.tar"), "three:1");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StoredImage>> gets = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                gets.add(pool.submit(() -> {
                    start.await();
                    return store.get(ImageReference.parse("three:1"));
                }));
            }
            start.countDown();
            for (Future<StoredImage> get : gets) {
                assertEquals(image.diffIds(), get.get(60, TimeUnit.SECONDS).layers().stream().map(StoredLayer::digest)
                        .toList());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, store.extractedLayers(), "each layer extracted by one launch, the others wait for it");
        assertLayersComplete(image);
    }

    @Test
    void twoAgentsSharingAStoreGetTheSameImageAtOnce() throws Exception {
        TestImages.Image image = threeLayers();
        image.writeDockerSave(registry.resolve("three.tar"), "three:1");
        DockerStore other = new DockerStore(storeDir, registry, SetuidPolicy.KEEP, root);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StoredImage>> gets = new ArrayList<>();
            for (DockerStore s : List.of(store, other)) {
                gets.add(pool.submit(() -> {
                    start.await();
                    return s.get(ImageReference.parse("three:1"));
                }));
            }
            start.countDown();
            assertEquals(gets.get(0).get(60, TimeUnit.SECONDS).layers(), gets.get(1).get(60, TimeUnit.SECONDS).layers());
        } finally {
            pool.shutdownNow();
        }
        // each agent may have extracted a layer in its own staging directory; one copy is kept
        assertLayersComplete(image);
        assertEmpty(storeDir.resolve("staging"));
    }

    @Test
    void aLargeLayerReportsItsProgressEveryTenthASmallOneOnlyItsStartAndEnd() throws IOException {
        TarBuilder big = new TarBuilder();
        java.util.Random random = new java.util.Random(7);
        for (int f = 0; f < 100; f++) {
            byte[] content = new byte[10_000];
            random.nextBytes(content);
            big.file("f" + f, 0644, content);
        }
        TestImages.Image image = new TestImages.Image().layer(big.build(), false).cmd("/f0");
        image.writeDockerSave(registry.resolve("big.tar"), "big:1");
        String layer = "layer 1/1 (" + image.diffIds().get(0) + ") of image 'big:1'";
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());

        // "large" from 1 byte here; the agent's store reports from DockerStore.LARGE_LAYER (16 MB)
        new DockerStore(storeDir, registry, SetuidPolicy.KEEP, root, 1, lines::add).get(ImageReference.parse("big:1"));

        assertEquals("Extracting " + layer + ": 1.0 MB from '" + registry.resolve("big.tar") + "'", lines.get(0));
        assertTrue(lines.get(lines.size() - 1).matches("Extracted " + java.util.regex.Pattern.quote(layer)
                + ": 100 entries, 1\\.0 MB in \\d+ ms"), lines.toString());
        List<Integer> percents = new ArrayList<>();
        for (String line : lines.subList(1, lines.size() - 1)) {
            var m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote("Extracting " + layer + ": ")
                    + "(\\d+)% \\((\\d+\\.\\d) MB of 1\\.0 MB\\)").matcher(line);
            assertTrue(m.matches(), line);
            percents.add(Integer.valueOf(m.group(1)));
        }
        assertTrue(percents.size() >= 5, "reported every tenth or so: " + lines);
        assertEquals(percents.stream().sorted().distinct().toList(), percents, "moving forward: " + lines);
        assertTrue(percents.stream().allMatch(p -> p % 10 == 0 && p >= 10 && p <= 90), lines.toString());

        lines.clear();
        smallImage().writeDockerSave(registry.resolve("small.tar"), "small:1");
        new DockerStore(storeDir, registry, SetuidPolicy.KEEP, root, DockerStore.LARGE_LAYER, lines::add)
                .get(ImageReference.parse("small:1"));
        assertEquals(2, lines.size(), lines.toString());
    }

    @Test
    void anAgentStartingWhileAnotherExtractsRemovesOnlyDeadStaging() throws Exception {
        TarBuilder big = new TarBuilder();
        for (int f = 0; f < 50; f++) {
            big.file("f" + f, 0644, new byte[20_000]);
        }
        TestImages.Image image = new TestImages.Image().layer(big.build(), false).cmd("/f0");
        image.writeDockerSave(registry.resolve("big.tar"), "big:1");
        // what a crashed extraction leaves: a staging directory and its lock file, nobody holding it
        Path dead = Files.createDirectories(storeDir.resolve("staging/dead.1/rootfs"));
        Files.writeString(storeDir.resolve("staging/dead.1.lock"), "");
        FileTime crashed = FileTime.from(Instant.now().minus(Duration.ofMinutes(5)));
        Files.setLastModifiedTime(storeDir.resolve("staging/dead.1"), crashed);
        Files.setLastModifiedTime(storeDir.resolve("staging/dead.1.lock"), crashed);
        // what an extraction that has created its lock file but not locked it yet looks like: kept
        Files.writeString(storeDir.resolve("staging/young.2.lock"), "");
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        DockerStore extracting = new DockerStore(storeDir, registry, SetuidPolicy.KEEP, root, 1, line -> {
            if (line.endsWith("MB)") && paused.getCount() > 0) {
                paused.countDown(); // the first tenth: hold the extraction half-way
                try {
                    resume.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<StoredImage> get = pool.submit(() -> extracting.get(ImageReference.parse("big:1")));
            assertTrue(paused.await(60, TimeUnit.SECONDS));
            List<Path> inProgress;
            try (Stream<Path> s = Files.list(storeDir.resolve("staging"))) {
                inProgress = s.filter(p -> !p.getFileName().toString().startsWith("dead.")).sorted().toList();
            }
            assertTrue(inProgress.contains(storeDir.resolve("staging/young.2.lock")), inProgress.toString());

            new DockerStore(storeDir, registry, SetuidPolicy.KEEP, root).removeStaging();

            try (Stream<Path> s = Files.list(storeDir.resolve("staging"))) {
                assertEquals(inProgress, s.sorted().toList(), "the dead extraction is removed, the live one kept");
            }
            Files.delete(storeDir.resolve("staging/young.2.lock")); // that extraction never was
            resume.countDown();
            assertEquals(image.diffIds().get(0), get.get(60, TimeUnit.SECONDS).layers().get(0).digest());
        } finally {
            resume.countDown();
            pool.shutdownNow();
        }
        assertEmpty(storeDir.resolve("staging"));
        try (Stream<Path> files = Files.list(storeDir.resolve("layers").resolve(image.diffIds().get(0).substring(7))
                .resolve("rootfs"))) {
            assertEquals(50, files.count());
        }
    }

    /** Three layers of 200 files each: long enough to extract that concurrent launches overlap. */
    static TestImages.Image threeLayers() {
        TestImages.Image image = new TestImages.Image();
        for (int l = 0; l < 3; l++) {
            TarBuilder tar = new TarBuilder().directory("l" + l + "/", 0755);
            for (int f = 0; f < 200; f++) {
                tar.file("l" + l + "/f" + f, "layer " + l + " file " + f + "\n");
            }
            image.layer(tar.build(), l == 2);
        }
        return image.cmd("/x");
    }

    private void assertLayersComplete(TestImages.Image image) throws IOException {
        try (Stream<Path> layers = Files.list(storeDir.resolve("layers"))) {
            assertEquals(image.diffIds().stream().map(d -> storeDir.resolve("layers").resolve(d.substring(7))).sorted()
                    .toList(), layers.sorted().toList());
        }
        for (int l = 0; l < 3; l++) {
            Path files = storeDir.resolve("layers").resolve(image.diffIds().get(l).substring(7)).resolve("rootfs/l" + l);
            try (Stream<Path> s = Files.list(files)) {
                assertEquals(200, s.count());
            }
            assertEquals("layer " + l + " file 199\n", Files.readString(files.resolve("f199")));
        }
    }

    @Test
    void aLayerStoredMeanwhileByAnotherAgentIsKeptAndOursDropped() throws IOException {
        Path staging = Files.createDirectories(storeDir.resolve("staging/abc.1/rootfs"));
        Files.writeString(staging.resolve("ours"), "ours");
        Path layer = Files.createDirectories(storeDir.resolve("layers/abc/rootfs"));
        Files.writeString(layer.resolve("theirs"), "theirs");

        assertFalse(DockerStore.publish(staging.getParent(), layer.getParent()));

        assertEquals(List.of(layer.resolve("theirs")), Files.list(layer).toList(), "their layer is kept as it is");
        Path fresh = Files.createDirectories(storeDir.resolve("staging/def.1/rootfs"));
        assertTrue(DockerStore.publish(fresh.getParent(), storeDir.resolve("layers/def")));
        assertTrue(Files.isDirectory(storeDir.resolve("layers/def/rootfs")));
    }

    @Test
    void findsArchivesByFullNameOrRepositoryAndTag() throws IOException {
        smallImage().writeDockerSave(registry.resolve("small:1.0.tar"), "whatever:else");
        smallImage().cmd("/other").writeDockerSave(registry.resolve("multi.tar"), "multi:1", "docker.io/library/multi:2");

        // named after the full image name: the archive's single image, whatever its tags
        assertEquals(1, store.get(ImageReference.parse("small:1.0")).layers().size());
        // by repository, with the tag found inside (docker.io/library/ prefixes ignored)
        assertEquals(List.of("/other"), store.get(ImageReference.parse("multi:2")).manifest().getConfig().getCmdList());
        assertEquals(List.of("/other"), store.get(ImageReference.parse("library/multi:1")).manifest().getConfig().getCmdList());

        ImageException wrongTag = assertThrows(ImageException.class, () -> store.get(ImageReference.parse("multi:3")));
        assertEquals("Failed to get docker image 'multi:3': Image archive '" + registry.resolve("multi.tar")
                + "' has no image 'multi:3' (it has multi:1, docker.io/library/multi:2)", wrongTag.getMessage());
        ImageException missing = assertThrows(ImageException.class, () -> store.get(ImageReference.parse("nothere")));
        assertEquals("Failed to find docker image 'nothere': no archive '" + registry.resolve("nothere.tar")
                + "' (--docker_registry)", missing.getMessage());
    }

    @Test
    void refusesImageNamesThatCouldLeaveTheRegistry() {
        for (String bad : List.of("../etc/passwd", "/etc/passwd", "a/../../b", "UPPER", "a:b:c", "busybox@sha256:12")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(bad));
            assertTrue(e.getMessage().startsWith("Invalid docker image name '" + bad + "': "), e.getMessage());
        }
        ImageReference r = ImageReference.parse("localhost:5000/team/app:v1.2");
        assertEquals("localhost:5000/team/app", r.repository());
        assertEquals("v1.2", r.tag().orElseThrow());
        assertEquals("latest", ImageReference.parse("busybox").tag().orElseThrow());
    }

    @Test
    void readsOciImageLayoutsWithCompressedLayersVerifyingBlobDigests() throws IOException {
        assumeTrue(TestImages.busyboxAvailable(), "busybox-static is not installed (apt-get install -y busybox-static)");
        TestImages.Image image = TestImages.busybox();
        image.writeOciLayout(registry.resolve("busybox.tar"), "oci");

        StoredImage stored = store.get(ImageReference.parse("busybox:oci"));

        assertEquals(image.diffIds(), stored.layers().stream().map(StoredLayer::digest).toList());
        assertEquals("hello\n", Files.readString(stored.layers().get(2).rootfs().resolve("data/hello.txt")));
    }

    @Test
    void aLayerThatDoesNotMatchItsDiffIdIsRejectedAndNotStored() throws IOException {
        byte[] good = new TarBuilder().file("hello", "hi\n").build();
        byte[] tampered = new TarBuilder().file("hello", "hI\n").build();
        TestImages.Image claimed = new TestImages.Image().layer(good, false).cmd("/hello");
        String config = claimed.configJson();
        String configHex = TestImages.digest(config.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(7);
        Files.write(registry.resolve("bad.tar"), new TarBuilder()
                .file("l1/layer.tar", 0644, tampered)
                .file(configHex + ".json", config)
                .file("manifest.json", "[{\"Config\":\"" + configHex + ".json\",\"RepoTags\":[\"bad:1\"],\"Layers\":[\"l1/layer.tar\"]}]")
                .build());

        ImageException e = assertThrows(ImageException.class, () -> store.get(ImageReference.parse("bad:1")));

        assertTrue(e.getMessage().contains("layer 1/1 (" + claimed.diffIds().get(0) + ") of image 'bad:1'"
                + " (archive member 'l1/layer.tar') does not match its diff_id: expected " + claimed.diffIds().get(0)
                + ", got " + TestImages.digest(tampered)), e.getMessage());
        assertEmpty(storeDir.resolve("layers"));
        assertEmpty(storeDir.resolve("staging"));
    }

    @Test
    void aConfigurationThatDoesNotMatchItsNameIsRejected() throws IOException {
        TestImages.Image image = smallImage();
        String config = image.configJson();
        String claimed = TestImages.digest(config.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(7);
        String tampered = config.replace("\"/hello\"", "\"/evil\"");
        Files.write(registry.resolve("cfg.tar"), new TarBuilder()
                .file("l1/layer.tar", 0644, new TarBuilder().file("hello", "hi\n").build())
                .file(claimed + ".json", tampered)
                .file("manifest.json", "[{\"Config\":\"" + claimed + ".json\",\"RepoTags\":[\"cfg:1\"],"
                        + "\"Layers\":[\"l1/layer.tar\"]}]")
                .build());

        ImageException e = assertThrows(ImageException.class, () -> store.get(ImageReference.parse("cfg:1")));

        assertEquals("Docker image 'cfg:1' in '" + registry.resolve("cfg.tar") + "': its configuration does not match"
                + " its digest: expected sha256:" + claimed + ", got "
                + TestImages.digest(tampered.getBytes(java.nio.charset.StandardCharsets.UTF_8)), e.getMessage());
        assertEmpty(storeDir.resolve("layers"));
    }

    @Test
    void anOciBlobThatDoesNotMatchItsDescriptorIsRejectedEvenWhenItsContentMatchesTheDiffId() throws IOException {
        byte[] tar = new TarBuilder().file("hello", "hi\n").build();
        TestImages.Image image = new TestImages.Image().layer(tar, false).cmd("/hello");
        byte[] config = image.configJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // the layer's bytes are the right tar (its diff id holds), but not the blob its manifest names
        String named = TestImages.digest("another blob".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        writeOci("blob.tar", config, tar, named, false);

        ImageException e = assertThrows(ImageException.class, () -> store.get(ImageReference.parse("blob:1")));

        assertEquals("Failed to get docker image 'blob:1': layer 1/1 (" + image.diffIds().get(0) + ") of image 'blob:1'"
                + " (archive member 'blobs/sha256/" + named.substring(7) + "') does not match its digest: expected "
                + named + ", got " + TestImages.digest(tar), e.getMessage());
        assertEmpty(storeDir.resolve("layers"));
        assertEmpty(storeDir.resolve("staging"));
    }

    @Test
    void anOciManifestThatDoesNotMatchItsDigestIsRejected() throws IOException {
        byte[] tar = new TarBuilder().file("hello", "hi\n").build();
        byte[] config = new TestImages.Image().layer(tar, false).cmd("/hello").configJson()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String manifestDigest = writeOci("manifest.tar", config, tar, TestImages.digest(tar), true);

        ImageException e = assertThrows(ImageException.class, () -> store.get(ImageReference.parse("manifest:1")));

        assertTrue(e.getMessage().startsWith("Failed to get docker image 'manifest:1': The manifest " + manifestDigest
                + " in image archive '" + registry.resolve("manifest.tar") + "' does not match its digest: expected "
                + manifestDigest + ", got sha256:"), e.getMessage());
        assertEmpty(storeDir.resolve("layers"));
    }

    /**
     * An OCI layout of one layer, stored under {@code layerName}; with {@code tamperManifest} the
     * manifest blob differs from the digest the index gives it.
     *
     * @return the manifest's digest as the index names it
     */
    private String writeOci(String file, byte[] config, byte[] layer, String layerName, boolean tamperManifest)
            throws IOException {
        String configDigest = TestImages.digest(config);
        String manifest = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerName + "\",\"size\":"
                + layer.length + "}]}";
        byte[] manifestBytes = manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String manifestDigest = TestImages.digest(manifestBytes);
        byte[] stored = tamperManifest ? manifest.replace("\"schemaVersion\":2", "\"schemaVersion\": 2")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8) : manifestBytes;
        Files.write(registry.resolve(file), new TarBuilder()
                .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .file("blobs/sha256/" + configDigest.substring(7), 0644, config)
                .file("blobs/sha256/" + layerName.substring(7), 0644, layer)
                .file("blobs/sha256/" + manifestDigest.substring(7), 0644, stored)
                .file("index.json", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                        + manifestBytes.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1\"}}]}")
                .build());
        return manifestDigest;
    }

    @Test
    void readsGnuLongNamesAndPaxHeaders() throws IOException {
        String longName = "x/".repeat(70) + "file";
        String longLink = "../".repeat(0) + "y".repeat(150);
        byte[] gnu = new TarBuilder().gnuLongNames().file(longName, "gnu").symlink("l", longLink).build();
        TarReader reader = new TarReader(new java.io.ByteArrayInputStream(gnu));
        TarEntry first = reader.next();
        assertEquals(longName, first.name());
        assertEquals("gnu", new String(reader.content().readAllBytes()));
        assertEquals(longLink, reader.next().linkName());
        assertEquals(null, reader.next());

        byte[] pax = new TarBuilder().file(longName, "pax").build();
        TarReader paxReader = new TarReader(new java.io.ByteArrayInputStream(pax));
        assertEquals(longName, paxReader.next().name());
    }

    @Test
    void refusesANonTarArchiveWithAClearMessage() throws IOException {
        Files.writeString(registry.resolve("junk.tar"), "this is not a tar archive".repeat(40));
        ImageException e = assertThrows(ImageException.class, () -> store.get(ImageReference.parse("junk")));
        assertTrue(e.getMessage().startsWith("Failed to get docker image 'junk': Cannot read image archive '"
                + registry.resolve("junk.tar") + "': tar header at offset 0 has a bad"), e.getMessage());
    }

    static TestImages.Image smallImage() {
        return new TestImages.Image().layer(new TarBuilder().file("hello", "hi\n").build(), false).cmd("/hello");
    }

    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    static void assertEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> left = s.toList();
            assertTrue(left.isEmpty(), "left behind in " + dir + ": " + left);
        }
    }

    static String uid() {
        try {
            return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException e) {
            return "-1";
        }
    }
}
