package corral.agent.testimages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code docker save} archive the agent's image tests build themselves (no registry is reachable
 * here), with GNU tar from Debian's static busybox: layer 1 holds {@code /bin/busybox},
 * {@code /bin/sh}, {@code /etc/motd}, {@code /etc/passwd} (root and {@code imguser} 4321:4322) and
 * {@code /etc/group} ({@code imguser} also in {@code extra} 4323); layer 2 whites out
 * {@code /etc/motd} and adds {@code /etc/data}. Tagged {@code busybox:1.0}.
 */
public final class BusyboxImage {

    /** Debian's busybox-static. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxImage() {
    }

    /**
     * @param build a scratch directory
     * @param archiveFile where the archive goes
     * @param config the image's {@code config} object (Env, Entrypoint, Cmd, WorkingDir), as JSON
     * @return the diff ids of the two layers
     * @throws Exception when tar fails
     */
    public static List<String> write(Path build, Path archiveFile, String config) throws Exception {
        Path l1 = writeRootfs(build.resolve("l1"));
        Path l2 = Files.createDirectories(build.resolve("l2/etc"));
        Files.writeString(l2.resolve(".wh.motd"), "");
        Files.writeString(l2.resolve("data"), "layer 2\n");
        byte[] layer1 = tar(l1);
        byte[] layer2 = tar(build.resolve("l2"));
        String image = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":" + config
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + sha256(layer1) + "\",\"" + sha256(layer2) + "\"]}}";
        Path archive = Files.createDirectories(build.resolve("archive"));
        String configHex = sha256(image.getBytes(StandardCharsets.UTF_8)).substring(7);
        Files.writeString(archive.resolve(configHex + ".json"), image);
        Files.write(Files.createDirectories(archive.resolve("a")).resolve("layer.tar"), layer1);
        Files.write(Files.createDirectories(archive.resolve("b")).resolve("layer.tar"), layer2);
        Files.writeString(archive.resolve("manifest.json"), "[{\"Config\":\"" + configHex
                + ".json\",\"RepoTags\":[\"busybox:1.0\"],\"Layers\":[\"a/layer.tar\",\"b/layer.tar\"]}]");
        exec("tar", "-C", archive.toString(), "-cf", archiveFile.toString(), ".");
        return List.of(sha256(layer1), sha256(layer2));
    }

    /**
     * Writes layer 1 alone: a root filesystem by itself.
     *
     * @param dir the directory, created
     * @return {@code dir}
     * @throws IOException when a file cannot be written
     */
    public static Path writeRootfs(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        Files.copy(BUSYBOX, dir.resolve("bin/busybox"));
        Files.createSymbolicLink(dir.resolve("bin/sh"), Path.of("busybox"));
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/motd"), "removed by layer 2\n");
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\nimguser:x:4321:4322::/:/bin/sh\n");
        Files.writeString(dir.resolve("etc/group"), "imguser:x:4322:\nextra:x:4323:imguser\n");
        return dir;
    }

    /** @return {@code s} as a JSON string literal */
    public static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** @return the mount points below {@code dir} in this process's mount namespace */
    public static List<String> mountsUnder(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
                .filter(m -> m.startsWith(dir.toString())).toList();
    }

    private static byte[] tar(Path root) throws Exception {
        Path file = Files.createTempFile(root.getParent(), "layer", ".tar");
        exec("tar", "--numeric-owner", "-C", root.toString(), "-cf", file.toString(), ".");
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        return bytes;
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
