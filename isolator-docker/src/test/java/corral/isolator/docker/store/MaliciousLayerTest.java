package corral.isolator.docker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.isolator.docker.testimages.TarBuilder;
import corral.isolator.docker.testimages.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile layers: each must fail with a message naming image, layer and entry, and write nothing outside the store. */
class MaliciousLayerTest {

    @TempDir
    Path tmp;
    Path registry;
    Path storeDir;
    Path outside;
    final boolean root = "0".equals(DockerStoreTest.uid());

    @BeforeEach
    void setUp() throws IOException {
        registry = Files.createDirectories(tmp.resolve("registry"));
        storeDir = tmp.resolve("a/b/store");
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "host secret\n");
    }

    @Test
    void absolutePath() throws IOException {
        String entry = outside.resolve("pwned").toString();
        refused(new TarBuilder().file("ok", "fine").file(entry, "x"), "entry '" + entry + "' is an absolute path");
    }

    @Test
    void dotDotComponent() throws IOException {
        refused(new TarBuilder().file("../../../../outside/pwned", "x"),
                "entry '../../../../outside/pwned' has a '..' component");
        refused(new TarBuilder().directory("a/", 0755).file("a/../../x", "x"), "entry 'a/../../x' has a '..' component");
    }

    @Test
    void symlinkEscapingTheLayer() throws IOException {
        refused(new TarBuilder().symlink("evil", "../../../../outside").file("evil/pwned", "x"),
                "entry 'evil' is a symlink to '../../../../outside', which points outside the layer");
        refused(new TarBuilder().directory("d/", 0755).symlink("d/up", "../.."),
                "entry 'd/up' is a symlink to '../..', which points outside the layer");
    }

    @Test
    void writingThroughAnAbsoluteSymlink() throws IOException {
        // absolute targets are allowed (they mean the container's root) but are never followed here
        refused(new TarBuilder().symlink("abs", outside.toString()).file("abs/pwned", "x"),
                "entry 'abs/pwned' would be written through the symlink 'abs'");
    }

    @Test
    void hardlinkEscapingTheLayer() throws IOException {
        refused(new TarBuilder().hardlink("evil", "../../../../outside/secret"),
                "entry 'evil' links to '../../../../outside/secret', which has a '..' component (outside the layer)");
        refused(new TarBuilder().hardlink("evil", outside.resolve("secret").toString()),
                "entry 'evil' is a hard link to '" + outside.resolve("secret") + "', outside the layer");
        refused(new TarBuilder().symlink("s", outside.toString()).hardlink("evil", "s/secret"),
                "entry 'evil' is a hard link to 's/secret', which is not a file extracted earlier from this layer");
    }

    @Test
    void deviceNode() throws IOException {
        refused(new TarBuilder().directory("dev/", 0755).charDevice("dev/mem"), "entry 'dev/mem' is a character device;"
                + " device nodes are not allowed in image layers (filesystem/linux gives containers their own /dev)");
    }

    @Test
    void setuidRefusedOnRequest() throws IOException {
        refused(SetuidPolicy.REFUSE, new TarBuilder().file("su", 04755, new byte[] {1}),
                "entry 'su' is set-user-id or set-group-id (mode 4755), refused by docker_layer_setuid=refuse");
    }

    @Test
    void setuidStrippedOrKeptOnRequest() throws IOException {
        TestImages.Image image = new TestImages.Image()
                .layer(new TarBuilder().file("su", 04755, new byte[] {1}).file("sg", 02711, new byte[] {2}).build(), false)
                .cmd("/su");
        image.writeDockerSave(registry.resolve("suid.tar"), "suid:1");
        StoredImage stripped = new DockerStore(storeDir, registry, SetuidPolicy.STRIP, root)
                .get(ImageReference.parse("suid:1"));
        assertEquals(0755, DockerStoreTest.mode(stripped.layers().get(0).rootfs().resolve("su")));
        assertEquals(0711, DockerStoreTest.mode(stripped.layers().get(0).rootfs().resolve("sg")));

        StoredImage kept = new DockerStore(tmp.resolve("kept"), registry, SetuidPolicy.KEEP, root)
                .get(ImageReference.parse("suid:1"));
        assertEquals(04755, DockerStoreTest.mode(kept.layers().get(0).rootfs().resolve("su")));
    }

    @Test
    void aDirectoryReplacedByAnAbsoluteSymlinkGetsNoAttributesThroughIt() throws Exception {
        Path victim = Files.createDirectory(outside.resolve("b"));
        Files.setAttribute(victim, "unix:mode", 0700);
        Map<Path, List<Object>> before = attributes(outside);
        sleepPastTheCoarseClock();
        // a directory entry's mode, owner and time are applied once the layer is complete: by then
        // 'x' is a symlink to the host directory, and 'x/b' would be the host's 'b'
        TestImages.Image image = new TestImages.Image().layer(new TarBuilder()
                .directory("x/", 0755)
                .entry("x/b/", '5', 0777, 4242, 4242, "", new byte[0])
                .symlink("x", outside.toString())
                .build(), false).cmd("/x");
        image.writeDockerSave(registry.resolve("swap.tar"), "swap:1");

        StoredImage stored = new DockerStore(storeDir, registry, SetuidPolicy.KEEP, root).get(ImageReference.parse("swap:1"));

        assertEquals(outside, Files.readSymbolicLink(stored.layers().get(0).rootfs().resolve("x")));
        assertEquals(before, attributes(outside), "nothing outside the store changed mode, owner or time");
    }

    @Test
    void anArchiveWhoseManifestNamesPathsOutsideItReadsNothingThere() throws IOException {
        // archive members are looked up in the archive's own index, never on the file system
        String config = new TestImages.Image().layer(new TarBuilder().file("x", "x").build(), false).cmd("/x").configJson();
        String configHex = TestImages.digest(config.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(7);
        String secret = "../../outside/secret";
        Files.write(registry.resolve("escape.tar"), new TarBuilder()
                .file(configHex + ".json", config)
                .file("manifest.json", "[{\"Config\":\"" + configHex + ".json\",\"RepoTags\":[\"escape:1\"],"
                        + "\"Layers\":[\"" + secret + "\"]}]")
                .build());
        DockerStore store = new DockerStore(storeDir, registry, SetuidPolicy.KEEP, root);

        ImageException e = assertThrows(ImageException.class, () -> store.get(ImageReference.parse("escape:1")));

        assertTrue(e.getMessage().startsWith("Failed to get docker image 'escape:1': the archive has no member '" + secret
                + "' for layer 1/1"), e.getMessage());
        assertTrue(list(storeDir.resolve("layers")).isEmpty());
    }

    /** ctime moves with the kernel's coarse clock (a tick): a change right after a snapshot could keep it. */
    static void sleepPastTheCoarseClock() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Mode, owner, mtime and ctime of a tree, without following links: chmod, chown, utimes and setxattr all move ctime. */
    static Map<Path, List<Object>> attributes(Path tree) throws IOException {
        Map<Path, List<Object>> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(tree)) {
            for (Path p : all.toList()) {
                List<Object> values = new ArrayList<>();
                for (String a : List.of("unix:mode", "unix:uid", "unix:gid", "unix:lastModifiedTime", "unix:ctime")) {
                    values.add(Files.getAttribute(p, a, LinkOption.NOFOLLOW_LINKS));
                }
                out.put(p, values);
            }
        }
        return out;
    }

    private void refused(TarBuilder layer, String reason) throws IOException {
        refused(SetuidPolicy.KEEP, layer, reason);
    }

    private void refused(SetuidPolicy policy, TarBuilder layer, String reason) throws IOException {
        TestImages.Image image = new TestImages.Image().layer(layer.build(), false).cmd("/x");
        image.writeDockerSave(registry.resolve("evil.tar"), "evil:1");
        DockerStore store = new DockerStore(storeDir, registry, policy, root);
        Map<Path, List<Object>> before = attributes(outside);
        sleepPastTheCoarseClock();

        ImageException e = assertThrows(ImageException.class, () -> store.get(ImageReference.parse("evil:1")));

        assertEquals("Failed to get docker image 'evil:1': Refusing layer 1/1 (" + image.diffIds().get(0)
                + ") of image 'evil:1': " + reason, e.getMessage());
        assertEquals(List.of(outside.resolve("secret")), list(outside), "nothing was written outside the store");
        assertEquals(before, attributes(outside), "nothing outside the store changed mode, owner or time");
        assertEquals("host secret\n", Files.readString(outside.resolve("secret")));
        assertEquals(List.of(tmp.resolve("a")), list(tmp).stream().filter(p -> p.getFileName().toString().equals("a")).toList());
        assertEquals(List.of(storeDir), list(tmp.resolve("a/b")), "nothing next to the store");
        assertTrue(list(storeDir.resolve("layers")).isEmpty(), "no layer is stored");
        assertTrue(list(storeDir.resolve("staging")).isEmpty(), "no partial extraction is left");
        assertFalse(Files.exists(Path.of("/outside/pwned")));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
