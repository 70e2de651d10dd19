package corral.isolator.docker.testimages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Writes tar archives for tests, byte by byte as GNU tar and Docker write them: ustar headers,
 * PAX headers for names longer than 100 bytes, and any member type (including the malicious ones).
 */
public final class TarBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private boolean gnuLongNames;

    /** @return a builder that writes long names as GNU {@code L}/{@code K} members instead of PAX */
    public TarBuilder gnuLongNames() {
        gnuLongNames = true;
        return this;
    }

    public TarBuilder directory(String name, int mode) {
        return entry(name, '5', mode, 0, 0, "", new byte[0]);
    }

    public TarBuilder file(String name, int mode, byte[] content) {
        return entry(name, '0', mode, 0, 0, "", content);
    }

    public TarBuilder file(String name, String content) {
        return file(name, 0644, content.getBytes(StandardCharsets.UTF_8));
    }

    public TarBuilder symlink(String name, String target) {
        return entry(name, '2', 0777, 0, 0, target, new byte[0]);
    }

    public TarBuilder hardlink(String name, String target) {
        return entry(name, '1', 0644, 0, 0, target, new byte[0]);
    }

    public TarBuilder charDevice(String name) {
        return entry(name, '3', 0666, 0, 0, "", new byte[0]);
    }

    public TarBuilder entry(String name, char type, int mode, int uid, int gid, String link, byte[] content) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100 || linkBytes.length > 100) {
            if (gnuLongNames) {
                if (nameBytes.length > 100) {
                    raw(header("././@LongLink", 'L', 0644, 0, 0, "", nameBytes.length + 1), concat(nameBytes, new byte[1]));
                }
                if (linkBytes.length > 100) {
                    raw(header("././@LongLink", 'K', 0644, 0, 0, "", linkBytes.length + 1), concat(linkBytes, new byte[1]));
                }
            } else {
                StringBuilder pax = new StringBuilder();
                if (nameBytes.length > 100) {
                    pax.append(record("path", name));
                }
                if (linkBytes.length > 100) {
                    pax.append(record("linkpath", link));
                }
                byte[] paxBytes = pax.toString().getBytes(StandardCharsets.UTF_8);
                raw(header("PaxHeaders/x", 'x', 0644, 0, 0, "", paxBytes.length), paxBytes);
            }
            name = truncate(name);
            link = truncate(link);
        }
        raw(header(name, type, mode, uid, gid, link, content.length), content);
        return this;
    }

    private static String record(String key, String value) {
        String body = " " + key + "=" + value + "\n";
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        int total = length + String.valueOf(length).length();
        if (String.valueOf(total).length() != String.valueOf(length).length()) {
            total++;
        }
        return total + body;
    }

    private static String truncate(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= 100 ? s : new String(b, 0, 100, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "_");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private void raw(byte[] header, byte[] content) {
        out.writeBytes(header);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    private static byte[] header(String name, char type, int mode, int uid, int gid, String link, long size) {
        byte[] h = new byte[512];
        put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_700_000_000L);
        h[156] = (byte) type;
        put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        return h;
    }

    private static void put(byte[] h, int offset, int length, byte[] value) {
        System.arraycopy(value, 0, h, offset, Math.min(length, value.length));
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        String s = Long.toOctalString(value);
        while (s.length() < length - 1) {
            s = "0" + s;
        }
        put(h, offset, length - 1, s.getBytes(StandardCharsets.US_ASCII));
    }

    /** @return the archive with its two terminating zero blocks */
    public byte[] build() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(new byte[1024]);
        return copy.toByteArray();
    }

    /** @return the archive gzip-compressed */
    public byte[] buildGzip() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                gz.write(build());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
