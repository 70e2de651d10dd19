package corral.isolator.docker.testimages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds image archives for tests, without Docker or a registry: {@code docker save} archives
 * (legacy layout: {@code manifest.json}, {@code <hex>.json}, {@code <id>/layer.tar}) and OCI image
 * layouts ({@code index.json}, {@code blobs/sha256/}).
 */
public final class TestImages {

    /** Debian's busybox-static: one binary, every applet, no shared libraries. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private TestImages() {
    }

    /** @return whether the busybox-static binary is installed */
    public static boolean busyboxAvailable() {
        try {
            return Files.isRegularFile(BUSYBOX) && new String(Files.readAllBytes(BUSYBOX), 0, 4,
                    StandardCharsets.ISO_8859_1).equals("\u007fELF") && !new ProcessBuilder("ldd", BUSYBOX.toString())
                    .redirectErrorStream(true).start().inputReader().lines().anyMatch(l -> l.contains("libc.so"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The busybox test image, three layers:
     * <ol>
     * <li>{@code bin/busybox}, {@code bin/sh -> busybox}, hard link {@code bin/ls}, {@code etc/passwd},
     *     {@code etc/removed-later}, {@code old/a/b} and {@code old/keep-not}, {@code tmp} (1777)</li>
     * <li>{@code etc/motd}, a whiteout of {@code etc/removed-later}, an opaque {@code old/} with
     *     {@code old/new}, a deep path with a 120-byte name (PAX)</li>
     * <li>gzip-compressed: {@code data/hello.txt}</li>
     * </ol>
     * Config: Env {@code PATH=/bin}, {@code GREETING=hello from image}, {@code DUP=image};
     * WorkingDir {@code /work/dir} (not in the image); Cmd
     * {@code /bin/sh -c 'echo "$GREETING"; pwd'}; no Entrypoint.
     *
     * @return the image builder
     * @throws IOException when busybox cannot be read
     */
    public static Image busybox() throws IOException {
        byte[] busybox = Files.readAllBytes(BUSYBOX);
        String longName = "deep/" + "d".repeat(60) + "/" + "f".repeat(60);
        byte[] layer1 = new TarBuilder()
                .directory("bin/", 0755)
                .file("bin/busybox", 0755, busybox)
                .symlink("bin/sh", "busybox")
                .hardlink("bin/ls", "bin/busybox")
                .directory("etc/", 0755)
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n")
                .file("etc/removed-later", "you should not see me\n")
                .directory("old/", 0755)
                .directory("old/a/", 0755)
                .file("old/a/b", "lower\n")
                .file("old/keep-not", "lower\n")
                .directory("tmp/", 01777)
                .build();
        byte[] layer2 = new TarBuilder()
                .file("etc/motd", "welcome\n")
                .file("etc/.wh.removed-later", "")
                .directory("old/", 0755)
                .file("old/.wh..wh..opq", "")
                .file("old/new", "upper\n")
                .file(longName, "long name\n")
                .build();
        byte[] layer3 = new TarBuilder()
                .directory("data/", 0755)
                .file("data/hello.txt", "hello\n")
                .build();
        return new Image()
                .layer(layer1, false).layer(layer2, false).layer(layer3, true)
                .env("PATH=/bin", "GREETING=hello from image", "DUP=image")
                .workingDir("/work/dir")
                .cmd("/bin/sh", "-c", "echo \"$GREETING\"; pwd");
    }

    /** An image under construction: layers and configuration. */
    public static final class Image {
        private final List<byte[]> layers = new ArrayList<>();
        private final List<Boolean> gzip = new ArrayList<>();
        private List<String> entrypoint;
        private List<String> cmd;
        private List<String> env = List.of();
        private String workingDir = "";
        private String user = "";

        public Image layer(byte[] tar, boolean gzipped) {
            layers.add(tar);
            gzip.add(gzipped);
            return this;
        }

        public Image entrypoint(String... values) {
            entrypoint = List.of(values);
            return this;
        }

        public Image cmd(String... values) {
            cmd = List.of(values);
            return this;
        }

        public Image env(String... values) {
            env = List.of(values);
            return this;
        }

        public Image workingDir(String dir) {
            workingDir = dir;
            return this;
        }

        public Image user(String name) {
            user = name;
            return this;
        }

        /** @return the image configuration JSON, as Docker writes it */
        public String configJson() {
            StringBuilder diffIds = new StringBuilder();
            for (byte[] layer : layers) {
                diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(digest(layer)).append('"');
            }
            return "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2026-01-01T00:00:00Z\","
                    + "\"config\":{\"Hostname\":\"\",\"User\":" + str(user) + ",\"Env\":" + list(env)
                    + ",\"Cmd\":" + list(cmd) + ",\"Entrypoint\":" + list(entrypoint) + ",\"WorkingDir\":" + str(workingDir)
                    + ",\"ExposedPorts\":{\"80/tcp\":{}},\"Labels\":null,\"OnBuild\":null},"
                    + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]},"
                    + "\"history\":[{\"created_by\":\"corral test\"}]}";
        }

        /** @return the diff ids, lowest layer first */
        public List<String> diffIds() {
            return layers.stream().map(TestImages::digest).toList();
        }

        /**
         * Writes a {@code docker save} archive (legacy layout).
         *
         * @param file the archive
         * @param repoTags the tags, such as {@code busybox:1.0}
         * @return the file
         */
        public Path writeDockerSave(Path file, String... repoTags) {
            String config = configJson();
            String configHex = digest(config.getBytes(StandardCharsets.UTF_8)).substring(7);
            TarBuilder tar = new TarBuilder();
            StringBuilder layerNames = new StringBuilder();
            for (int i = 0; i < layers.size(); i++) {
                String id = digest((i + ":" + configHex).getBytes(StandardCharsets.UTF_8)).substring(7);
                tar.directory(id + "/", 0755).file(id + "/VERSION", "1.0");
                tar.file(id + "/layer.tar", 0644, gzip.get(i) ? gzipped(layers.get(i)) : layers.get(i));
                layerNames.append(i == 0 ? "" : ",").append('"').append(id).append("/layer.tar\"");
            }
            tar.file(configHex + ".json", config);
            tar.file("manifest.json", "[{\"Config\":\"" + configHex + ".json\",\"RepoTags\":" + list(List.of(repoTags))
                    + ",\"Layers\":[" + layerNames + "]}]");
            return write(file, tar.build());
        }

        /**
         * Writes an OCI image layout archive.
         *
         * @param file the archive
         * @param refName the {@code org.opencontainers.image.ref.name} annotation, such as {@code 1.0}
         * @return the file
         */
        public Path writeOciLayout(Path file, String refName) {
            TarBuilder tar = new TarBuilder();
            tar.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
            tar.directory("blobs/", 0755).directory("blobs/sha256/", 0755);
            byte[] config = configJson().getBytes(StandardCharsets.UTF_8);
            String configDigest = digest(config);
            tar.file("blobs/sha256/" + configDigest.substring(7), 0644, config);
            StringBuilder layerDescriptors = new StringBuilder();
            for (int i = 0; i < layers.size(); i++) {
                byte[] blob = gzip.get(i) ? gzipped(layers.get(i)) : layers.get(i);
                String d = digest(blob);
                tar.file("blobs/sha256/" + d.substring(7), 0644, blob);
                layerDescriptors.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar")
                        .append(gzip.get(i) ? "+gzip" : "").append("\",\"digest\":\"").append(d).append("\",\"size\":")
                        .append(blob.length).append('}');
            }
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                    + "\",\"size\":" + config.length + "},\"layers\":[" + layerDescriptors + "]}")
                    .getBytes(StandardCharsets.UTF_8);
            String manifestDigest = digest(manifest);
            tar.file("blobs/sha256/" + manifestDigest.substring(7), 0644, manifest);
            tar.file("index.json", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                    + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                    + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + refName + "\"}}]}");
            return write(file, tar.build());
        }
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzipped(byte[] tar) {
        try {
            var bytes = new java.io.ByteArrayOutputStream();
            try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
                gz.write(tar);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return {@code sha256:<hex>} of the bytes */
    public static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String str(String s) {
        return s == null ? "null" : '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String list(List<String> values) {
        if (values == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ",").append(str(values.get(i)));
        }
        return b.append(']').toString();
    }
}
