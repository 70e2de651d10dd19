package corral.isolator.docker.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code docker save} archive (or an OCI image layout in a tar) on disk: its members are indexed
 * once by reading headers only, then read at random. Understands both the {@code manifest.json}
 * of {@code docker save} and the {@code index.json} of the OCI image layout. Not thread-safe.
 */
final class ImageArchive implements AutoCloseable {

    /** One image found in the archive. */
    record Selected(String configMember, Optional<String> configDigest, List<LayerMember> layers, List<String> tags) {
    }

    /** One layer blob: the archive member and, when the archive says it, the blob's digest. */
    record LayerMember(String member, Optional<String> blobDigest) {
    }

    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    private final Path path;
    private final FileChannel channel;
    private final Map<String, TarEntry> members = new LinkedHashMap<>();

    ImageArchive(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
            TarReader reader = new TarReader(in);
            for (TarEntry entry = reader.next(); entry != null; entry = reader.next()) {
                if (entry.isFile()) {
                    members.put(normalise(entry.name()), entry);
                }
            }
        } catch (IOException e) {
            channel.close();
            throw new IOException("Cannot read image archive '" + path + "': " + e.getMessage(), e);
        }
    }

    /** @return the archive's path */
    Path path() {
        return path;
    }

    /**
     * @param member a member name
     * @return its content, streamed straight from the file
     * @throws IOException when there is no such file member
     */
    InputStream open(String member) throws IOException {
        TarEntry entry = members.get(normalise(member));
        if (entry == null) {
            throw new IOException("Image archive '" + path + "' has no member '" + member + "'");
        }
        long start = entry.dataOffset();
        long end = start + entry.size();
        return new InputStream() {
            private long position = start;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= end) {
                    return -1;
                }
                int n = channel.read(java.nio.ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
                if (n < 0) {
                    throw new IOException("Image archive '" + path + "' is truncated");
                }
                position += n;
                return n;
            }
        };
    }

    /** @return the size of a member, or -1 when there is none */
    long size(String member) {
        TarEntry entry = members.get(normalise(member));
        return entry == null ? -1 : entry.size();
    }

    byte[] read(String member) throws IOException {
        if (size(member) > (64 << 20)) {
            throw new IOException("Image archive '" + path + "' member '" + member + "' is too large for metadata");
        }
        try (InputStream in = open(member)) {
            return in.readAllBytes();
        }
    }

    /**
     * Finds the image the reference names.
     *
     * @param reference the image
     * @param namedAfterImage whether the archive's file name is the image's full name, in which case
     *     an archive holding a single image is that image whatever its tags say (Mesos's local puller)
     * @return the image's members
     * @throws IOException naming the archive and what is missing
     */
    Selected select(ImageReference reference, boolean namedAfterImage) throws IOException {
        if (size("manifest.json") >= 0) {
            return selectDockerSave(reference, namedAfterImage);
        }
        if (size("index.json") >= 0) {
            return selectOci(reference, namedAfterImage);
        }
        throw new IOException("Image archive '" + path + "' has neither manifest.json (docker save) nor index.json"
                + " (OCI image layout)");
    }

    private Selected selectDockerSave(ImageReference reference, boolean namedAfterImage) throws IOException {
        Value manifest = json("manifest.json");
        List<Value> images = manifest.getListValue().getValuesList();
        List<Selected> all = new ArrayList<>();
        for (Value image : images) {
            var fields = image.getStructValue().getFieldsMap();
            String config = string(fields.get("Config"), "manifest.json Config");
            List<String> tags = strings(fields.get("RepoTags"));
            List<LayerMember> layers = new ArrayList<>();
            for (String layer : strings(fields.get("Layers"))) {
                layers.add(new LayerMember(layer, digestFromName(layer)));
            }
            Optional<String> configDigest = digestFromName(config);
            all.add(new Selected(config, configDigest, layers, tags));
        }
        return choose(reference, namedAfterImage, all);
    }

    private Selected selectOci(ImageReference reference, boolean namedAfterImage) throws IOException {
        Value index = json("index.json");
        List<Selected> all = new ArrayList<>();
        for (Value descriptor : list(index, "manifests")) {
            var fields = descriptor.getStructValue().getFieldsMap();
            List<String> tags = new ArrayList<>();
            Value annotations = fields.get("annotations");
            if (annotations != null) {
                for (String key : new String[] {"io.containerd.image.name", "org.opencontainers.image.ref.name"}) {
                    Value v = annotations.getStructValue().getFieldsMap().get(key);
                    if (v != null) {
                        String name = v.getStringValue();
                        // a bare ref.name is a tag of the repository the archive is named after
                        tags.add(name.contains(":") || name.contains("/") ? name
                                : reference.repository() + ":" + name);
                    }
                }
            }
            Selected manifest = ociManifest(descriptor, tags, 0);
            all.add(manifest);
        }
        return choose(reference, namedAfterImage, all);
    }

    private Selected ociManifest(Value descriptor, List<String> tags, int depth) throws IOException {
        var fields = descriptor.getStructValue().getFieldsMap();
        String digest = string(fields.get("digest"), "descriptor digest");
        String mediaType = fields.containsKey("mediaType") ? fields.get("mediaType").getStringValue() : "";
        byte[] blob = read(blobMember(digest));
        Digests.verify(blob, digest, "manifest " + digest + " in image archive '" + path + "'");
        Value manifest = parse(blob, blobMember(digest));
        if (mediaType.equals(OCI_INDEX) || mediaType.equals(DOCKER_LIST) || !manifest.getStructValue()
                .getFieldsMap().containsKey("config")) {
            if (depth > 2) {
                throw new IOException("Image archive '" + path + "' nests image indexes too deeply");
            }
            List<Value> manifests = list(manifest, "manifests");
            Value chosen = null;
            for (Value m : manifests) {
                Value platform = m.getStructValue().getFieldsMap().get("platform");
                if (platform != null) {
                    var p = platform.getStructValue().getFieldsMap();
                    if ("linux".equals(p.getOrDefault("os", Value.getDefaultInstance()).getStringValue())
                            && hostArchitecture().equals(p.getOrDefault("architecture", Value.getDefaultInstance())
                            .getStringValue())) {
                        chosen = m;
                        break;
                    }
                }
            }
            if (chosen == null && !manifests.isEmpty()) {
                chosen = manifests.get(0);
            }
            if (chosen == null) {
                throw new IOException("Image archive '" + path + "' has an empty image index " + digest);
            }
            return ociManifest(chosen, tags, depth + 1);
        }
        var m = manifest.getStructValue().getFieldsMap();
        String configDigest = string(m.get("config").getStructValue().getFieldsMap().get("digest"), "config digest");
        List<LayerMember> layers = new ArrayList<>();
        for (Value layer : list(manifest, "layers")) {
            String layerDigest = string(layer.getStructValue().getFieldsMap().get("digest"), "layer digest");
            layers.add(new LayerMember(blobMember(layerDigest), Optional.of(layerDigest)));
        }
        List<String> allTags = new ArrayList<>(tags);
        allTags.add("@" + digest);
        return new Selected(blobMember(configDigest), Optional.of(configDigest), layers, allTags);
    }

    private Selected choose(ImageReference reference, boolean namedAfterImage, List<Selected> all) throws IOException {
        for (Selected s : all) {
            for (String tag : s.tags()) {
                if (reference.matchesTag(tag)) {
                    return s;
                }
                if (reference.digest().isPresent() && (tag.equals("@" + reference.digest().get())
                        || s.configDigest().equals(reference.digest()))) {
                    return s;
                }
            }
            if (reference.digest().isPresent() && s.configDigest().equals(reference.digest())) {
                return s;
            }
        }
        if (namedAfterImage && all.size() == 1) {
            return all.get(0);
        }
        List<String> tags = new ArrayList<>();
        for (Selected s : all) {
            s.tags().stream().filter(t -> !t.startsWith("@")).forEach(tags::add);
        }
        throw new IOException("Image archive '" + path + "' has no image '" + reference + "'"
                + (tags.isEmpty() ? "" : " (it has " + String.join(", ", tags) + ")"));
    }

    /** @return the member holding a blob, {@code blobs/sha256/<hex>} */
    String blobMember(String digest) throws IOException {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IOException("Image archive '" + path + "' names an unsupported digest '" + digest + "'");
        }
        return "blobs/sha256/" + digest.substring(7);
    }

    /** {@code blobs/sha256/<hex>} and legacy {@code <hex>.json} names carry the digest of their content. */
    private static Optional<String> digestFromName(String member) {
        String name = normalise(member);
        if (name.matches("blobs/sha256/[0-9a-f]{64}")) {
            return Optional.of("sha256:" + name.substring(13));
        }
        if (name.matches("[0-9a-f]{64}\\.json")) {
            return Optional.of("sha256:" + name.substring(0, 64));
        }
        return Optional.empty();
    }

    Value json(String member) throws IOException {
        return parse(read(member), member);
    }

    private Value parse(byte[] bytes, String member) throws IOException {
        try {
            Value.Builder value = Value.newBuilder();
            JsonFormat.parser().merge(new String(bytes, StandardCharsets.UTF_8), value);
            return value.build();
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("Image archive '" + path + "' member '" + member + "' is not valid JSON: "
                    + e.getMessage());
        }
    }

    private List<Value> list(Value object, String field) throws IOException {
        Value v = object.getStructValue().getFieldsMap().get(field);
        if (v == null || !v.hasListValue()) {
            throw new IOException("Image archive '" + path + "' has JSON without a '" + field + "' list");
        }
        return v.getListValue().getValuesList();
    }

    private String string(Value value, String what) throws IOException {
        if (value == null || !value.hasStringValue()) {
            throw new IOException("Image archive '" + path + "' lacks the " + what);
        }
        return value.getStringValue();
    }

    private static List<String> strings(Value value) {
        List<String> out = new ArrayList<>();
        if (value != null && value.hasListValue()) {
            for (Value v : value.getListValue().getValuesList()) {
                out.add(v.getStringValue());
            }
        }
        return out;
    }

    private static String normalise(String member) {
        String m = member;
        while (m.startsWith("./")) {
            m = m.substring(2);
        }
        return m;
    }

    private static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
