package corral.isolator.docker.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import corral.isolator.docker.testimages.TestImages;
import corral.isolator.spi.ImageProvisioner;
import corral.isolator.spi.ImageProvisionerProvider;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.ProvisionedImage;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Image;
import corral.isolator.testkit.TestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real root filesystems from the busybox test image, with both backends: whiteouts and opaque
 * directories applied, copy-on-write isolation between containers, the image's busybox runnable
 * in it (chroot), removal on destroy and on orphan recovery, no mounts left behind.
 */
class DockerProvisionerTest {

    Path tmp;
    Path registry;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(TestImages.busyboxAvailable(), "busybox-static is not installed (apt-get install -y busybox-static)");
        tmp = Files.createTempDirectory("corral-provisioner-");
        registry = Files.createDirectories(tmp.resolve("registry"));
        TestImages.busybox().writeDockerSave(registry.resolve("busybox.tar"), "busybox:1.0");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (tmp == null) {
            return;
        }
        // never leave an overlay behind, even when a test failed half-way
        List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> Mountinfo.unescape(l.split(" ")[4])).filter(m -> Path.of(m).startsWith(tmp)).toList();
        for (String m : mounts) {
            new ProcessBuilder("umount", "-l", m).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", tmp.toString()).inheritIO().start().waitFor();
        assertEquals(List.of(), mounts, "mounts left behind");
    }

    DockerProvisioner provisioner(String backend) {
        assumeTrue(TestContextRoot.isRoot() || backend.equals("copy"), "the overlay backend needs root");
        TestContext context = TestContext.of(tmp.resolve("work"), Map.of(
                "corral.docker.docker_registry", registry.toString(),
                "corral.docker.docker_store_dir", tmp.resolve("store").toString(),
                "corral.docker.image_provisioner_backend", backend), "filesystem/linux", "docker/runtime");
        getClass().getModule().addUses(ImageProvisionerProvider.class);
        ImageProvisionerProvider provider = ServiceLoader.load(ImageProvisionerProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.type().equals("docker")).findFirst().orElseThrow();
        ImageProvisioner created = provider.create(context);
        return (DockerProvisioner) created;
    }

    @Test
    void aBadSettingIsAnIsolatorExceptionNamingTheValue() {
        TestContext context = TestContext.of(tmp.resolve("work"), Map.of(
                "corral.docker.docker_registry", registry.toString(),
                "corral.docker.image_provisioner_backend", "zfs"), "filesystem/linux", "docker/runtime");
        getClass().getModule().addUses(ImageProvisionerProvider.class);
        ImageProvisionerProvider provider = ServiceLoader.load(ImageProvisionerProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.type().equals("docker")).findFirst().orElseThrow();
        // ImageProvisionerProvider.create reports what the operator must fix as an IsolatorException
        IsolatorException e = assertThrows(IsolatorException.class, () -> provider.create(context));
        assertTrue(e.getMessage().contains("The specified provisioner backend 'zfs' is not supported: Not found"),
                e.getMessage());
    }

    static Image busybox() {
        return Image.newBuilder().setType(Image.Type.DOCKER)
                .setDocker(Image.Docker.newBuilder().setName("busybox:1.0")).build();
    }

    ContainerID id(String name) {
        return ContainerID.newBuilder().setValue(name + "-" + run).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void assemblesTheImagesLayersWithWhiteoutsAndRunsItsBusybox(String backend) throws Exception {
        DockerProvisioner provisioner = provisioner(backend);
        assertEquals(backend, provisioner.backend());
        ContainerID a = id("a");
        ContainerID b = id("b");

        ProvisionedImage first = provisioner.provision(a, busybox());
        ProvisionedImage second = provisioner.provision(b, busybox());

        Path rootfs = first.rootfs();
        assertEquals(provisioner.directory(a).resolve("rootfs"), rootfs);
        assertEquals(backend.equals("overlay"), isMountPoint(rootfs));
        assertEquals(List.of("/bin/sh", "-c", "echo \"$GREETING\"; pwd"),
                first.dockerManifest().orElseThrow().getConfig().getCmdList());
        assertEquals(List.of(backend.equals("overlay") ? provisioner.directory(a).resolve("upper") : rootfs),
                first.ephemeralVolumes());
        // layer 2 removed etc/removed-later and made old/ opaque; layer 3 added data/
        assertFalse(Files.exists(rootfs.resolve("etc/removed-later"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("welcome\n", Files.readString(rootfs.resolve("etc/motd")));
        assertEquals(List.of("new"), names(rootfs.resolve("old")));
        assertEquals("hello\n", Files.readString(rootfs.resolve("data/hello.txt")));
        assertEquals(01777, (Integer) Files.getAttribute(rootfs.resolve("tmp"), "unix:mode") & 07777);

        // the image's own busybox runs inside it
        assertEquals("welcome\nhello\n", exec("chroot", rootfs.toString(), "/bin/sh", "-c", "busybox cat /etc/motd /data/hello.txt"));

        // copy on write: one container's writes reach neither the other nor the shared layers
        exec("chroot", rootfs.toString(), "/bin/sh", "-c", "echo changed > /etc/motd; busybox rm /data/hello.txt");
        assertEquals("welcome\n", Files.readString(second.rootfs().resolve("etc/motd")));
        assertTrue(Files.exists(second.rootfs().resolve("data/hello.txt")));
        try (Stream<Path> layers = Files.list(provisioner.store().layersDirectory())) {
            for (Path layer : layers.toList()) {
                Path motd = layer.resolve("rootfs/etc/motd");
                if (Files.exists(motd)) {
                    assertEquals("welcome\n", Files.readString(motd));
                }
            }
        }

        assertTrue(provisioner.destroy(a));
        assertTrue(provisioner.destroy(b));
        assertFalse(Files.exists(provisioner.directory(a)));
        assertFalse(provisioner.destroy(a), "destroying twice is a no-op");
        assertFalse(isMountPoint(rootfs));
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void fiftyContainersExtractTheLayersOnceAndLeaveNothingBehind(String backend) throws Exception {
        DockerProvisioner provisioner = provisioner(backend);
        provisioner.provision(id("warm"), busybox());
        provisioner.destroy(id("warm"));
        Map<Path, Object> inodes = new java.util.HashMap<>();
        try (Stream<Path> layers = Files.list(provisioner.store().layersDirectory())) {
            for (Path layer : layers.toList()) {
                inodes.put(layer, Files.getAttribute(layer.resolve("rootfs"), "unix:ino"));
            }
        }
        assertEquals(3, inodes.size());

        for (int i = 0; i < 50; i++) {
            ContainerID c = id("c" + i);
            ProvisionedImage image = provisioner.provision(c, busybox());
            assertTrue(Files.isRegularFile(image.rootfs().resolve("bin/busybox")));
            provisioner.destroy(c);
        }

        assertEquals(3, provisioner.store().extractedLayers(), "each layer extracted by the first container only");
        for (Map.Entry<Path, Object> e : inodes.entrySet()) {
            assertEquals(e.getValue(), Files.getAttribute(e.getKey().resolve("rootfs"), "unix:ino"), "never replaced");
        }
        try (Stream<Path> left = Files.list(provisioner.directory(id("x")).getParent())) {
            assertEquals(List.of(), left.toList());
        }
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(tmp.toString()), "no mounts left");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void anImageWithMoreLayersThanAPageOfMountOptionsHolds(String backend) throws Exception {
        DockerProvisioner provisioner = provisioner(backend);
        // 60 layers of ~110-character store paths: about 6.6 KB of lowerdir, more than mount(2) takes
        corral.isolator.docker.testimages.TestImages.Image image = new corral.isolator.docker.testimages.TestImages.Image();
        for (int i = 0; i < 60; i++) {
            image.layer(new corral.isolator.docker.testimages.TarBuilder().directory("layers/", 0755)
                    .file("layers/" + i, "layer " + i + "\n").file("top", "layer " + i + "\n").build(), false);
        }
        image.cmd("/top").writeDockerSave(registry.resolve("many.tar"), "many:1");
        ContainerID c = id("many");

        ProvisionedImage provisioned = provisioner.provision(c, Image.newBuilder().setType(Image.Type.DOCKER)
                .setDocker(Image.Docker.newBuilder().setName("many:1")).build());

        assertEquals(60, names(provisioned.rootfs().resolve("layers")).size());
        assertEquals("layer 59\n", Files.readString(provisioned.rootfs().resolve("top")), "the top layer wins");
        try (Stream<Path> tmpDirs = Files.list(Path.of("/tmp"))) {
            assertTrue(tmpDirs.noneMatch(p -> p.getFileName().toString().startsWith("cov")
                    && Files.isSymbolicLink(p.resolve("0"))), "the short links are gone once mounted");
        }
        provisioner.destroy(c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void anImageWithTheSameLayerTwiceHolds(String backend) throws Exception {
        DockerProvisioner provisioner = provisioner(backend);
        // identical layers have one diff id, so one store directory: overlayfs refuses a lower
        // directory given twice (ELOOP), and the topmost occurrence alone gives the same tree
        byte[] a = new corral.isolator.docker.testimages.TarBuilder().file("f", "a\n").file("only-a", "a\n").build();
        byte[] b = new corral.isolator.docker.testimages.TarBuilder().file("f", "b\n").file("only-b", "b\n")
                .file(".wh.only-a", "").build();
        new corral.isolator.docker.testimages.TestImages.Image().layer(a, false).layer(b, false).layer(a, false)
                .cmd("/f").writeDockerSave(registry.resolve("twice.tar"), "twice:1");
        ContainerID c = id("twice");

        ProvisionedImage provisioned = provisioner.provision(c, Image.newBuilder().setType(Image.Type.DOCKER)
                .setDocker(Image.Docker.newBuilder().setName("twice:1")).build());

        assertEquals("a\n", Files.readString(provisioned.rootfs().resolve("f")), "the top layer wins");
        assertEquals("b\n", Files.readString(provisioned.rootfs().resolve("only-b")));
        assertEquals("a\n", Files.readString(provisioned.rootfs().resolve("only-a")), "the top layer adds it again");
        assertEquals(2, provisioner.store().extractedLayers());
        provisioner.destroy(c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void recoveryRemovesOrphansAndKeepsKnownContainers(String backend) throws Exception {
        DockerProvisioner provisioner = provisioner(backend);
        ProvisionedImage kept = provisioner.provision(id("kept"), busybox());
        ProvisionedImage orphan = provisioner.provision(id("orphan"), busybox());

        // a new agent: a new provisioner over the same directories
        DockerProvisioner restarted = provisioner(backend);
        restarted.recover(Set.of(id("kept")));

        assertTrue(Files.isRegularFile(kept.rootfs().resolve("bin/busybox")));
        assertFalse(Files.exists(orphan.rootfs().getParent()));
        assertFalse(isMountPoint(orphan.rootfs()));
        restarted.destroy(id("kept"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void whiteoutsUnderADirectoryTheLayerLaterReplacedByASymlinkTouchNothingOutside(String backend) throws Exception {
        DockerProvisioner provisioner = provisioner(backend);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "host secret\n");
        Files.createDirectory(outside.resolve("o"));
        Map<Path, List<Object>> before = attributes(outside);
        Thread.sleep(20); // ctime moves with the kernel's coarse clock
        // the whiteouts are recorded under real directories 'a' and 'o', which later members of the
        // same layer replace by symlinks to host directories: writing the overlay's whiteouts
        // (mknod a/x, setxattr on o) must not follow them
        corral.isolator.docker.testimages.TestImages.Image image = new corral.isolator.docker.testimages.TestImages.Image()
                .layer(new corral.isolator.docker.testimages.TarBuilder().directory("a/", 0755).file("a/x", "lower\n")
                        .directory("o/", 0755).file("o/y", "lower\n").build(), false)
                .layer(new corral.isolator.docker.testimages.TarBuilder().file("a/.wh.x", "").symlink("a", outside.toString())
                        .file("o/.wh..wh..opq", "").symlink("o", outside.resolve("o").toString()).build(), false);
        image.cmd("/x").writeDockerSave(registry.resolve("swap.tar"), "swap:1");
        ContainerID c = id("swap");

        ProvisionedImage provisioned = provisioner.provision(c, Image.newBuilder().setType(Image.Type.DOCKER)
                .setDocker(Image.Docker.newBuilder().setName("swap:1")).build());

        assertEquals(outside, Files.readSymbolicLink(provisioned.rootfs().resolve("a")), "the top layer's symlink wins");
        assertEquals(List.of("o", "secret"), names(outside), "no whiteout was made outside the store");
        assertEquals(before, attributes(outside), "nothing outside the store changed (mode, owner, times, xattrs)");
        provisioner.destroy(c);
    }

    /** Mode, owner, mtime and ctime of a tree, without following links: mknod, chmod, setxattr all move a ctime. */
    static Map<Path, List<Object>> attributes(Path tree) throws IOException {
        Map<Path, List<Object>> out = new java.util.TreeMap<>();
        try (Stream<Path> all = Files.walk(tree)) {
            for (Path p : all.toList()) {
                List<Object> values = new java.util.ArrayList<>();
                for (String a : List.of("unix:mode", "unix:uid", "unix:gid", "unix:lastModifiedTime", "unix:ctime")) {
                    values.add(Files.getAttribute(p, a, LinkOption.NOFOLLOW_LINKS));
                }
                out.put(p, values);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void aMissingImageLeavesNoContainerDirectory(String backend) {
        DockerProvisioner provisioner = provisioner(backend);
        Image missing = Image.newBuilder().setType(Image.Type.DOCKER)
                .setDocker(Image.Docker.newBuilder().setName("busybox:2.0")).build();
        IsolatorException e = assertThrows(IsolatorException.class, () -> provisioner.provision(id("m"), missing));
        assertEquals("Failed to get docker image 'busybox:2.0': Image archive '" + registry.resolve("busybox.tar")
                + "' has no image 'busybox:2.0' (it has busybox:1.0)", e.getMessage());
        assertFalse(Files.exists(provisioner.directory(id("m"))));
        IsolatorException appc = assertThrows(IsolatorException.class, () -> provisioner.provision(id("m"),
                Image.newBuilder().setType(Image.Type.APPC).build()));
        assertEquals("Unsupported container image type: APPC", appc.getMessage());
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static boolean isMountPoint(Path p) throws IOException {
        return Mountinfo.isMountPoint(p);
    }

    static String exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    /** Whether the tests run as root. */
    static final class TestContextRoot {
        static boolean isRoot() {
            try {
                return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (IOException e) {
                return false;
            }
        }
    }
}
