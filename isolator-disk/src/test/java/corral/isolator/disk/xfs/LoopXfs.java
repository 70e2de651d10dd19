package corral.isolator.disk.xfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh XFS on a sparse image, attached to a loop device and mounted under a unique directory.
 * {@link #close} unmounts it, detaches the loop device and removes the image.
 */
final class LoopXfs implements AutoCloseable {

    private final Path dir;
    private final Path mountPoint;
    private final String device;

    private LoopXfs(Path dir, Path mountPoint, String device) {
        this.dir = dir;
        this.mountPoint = mountPoint;
        this.device = device;
    }

    /**
     * @param options mount options, such as {@code defaults} or {@code pquota}
     * @return the mounted filesystem; the test is skipped (with the reason) where the host cannot
     */
    static LoopXfs mount(String options) throws IOException, InterruptedException {
        requireRoot();
        Assumptions.assumeTrue(onPath("mkfs.xfs"), "mkfs.xfs is missing: apt-get install -y xfsprogs");
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "corral-disk-" + UUID.randomUUID().toString().substring(0, 8));
        Path image = dir.resolve("xfs.img");
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        String device = null;
        try {
            run("truncate", "-s", "512M", image.toString());
            run("mkfs.xfs", "-q", "-f", image.toString());
            device = run("losetup", "--find", "--show", image.toString()).strip();
            run("mount", "-t", "xfs", "-o", options, device, mnt.toString());
            return new LoopXfs(dir, mnt, device);
        } catch (IOException | RuntimeException e) {
            if (device != null) {
                runQuietly("losetup", "-d", device);
            }
            deleteTree(dir);
            throw e;
        }
    }

    static void requireRoot() throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!Integer.valueOf(0).equals(uid)) {
            System.out.println("SKIPPED: needs root (mount, losetup, quotactl)");
        }
        Assumptions.assumeTrue(Integer.valueOf(0).equals(uid), "needs root (mount, losetup, quotactl)");
    }

    Path mountPoint() {
        return mountPoint;
    }

    String device() {
        return device;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run("umount", mountPoint.toString());
        } finally {
            runQuietly("losetup", "-d", device);
            deleteTree(dir);
        }
    }

    static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + ": timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + ": exit " + p.exitValue() + ": " + text.strip());
        }
        return text;
    }

    private static void runQuietly(String... argv) {
        try {
            run(argv);
        } catch (IOException | InterruptedException e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }

    static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", program)) || Files.isExecutable(Path.of("/sbin", program));
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            walk.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
