package corral.isolator.docker.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a tar archive member by member: POSIX ustar (with its name prefix), GNU long names and long
 * link names ({@code L}, {@code K}), PAX extended headers ({@code x}: path, linkpath, size, uid, gid,
 * mtime) and base-256 numbers. Checksums are verified. Nothing here touches the file system: this
 * class only parses; {@link LayerExtractor} decides what is safe. Not thread-safe.
 */
final class TarReader {

    private static final int BLOCK = 512;
    /** Long names and PAX headers are read into memory; bound them so an archive cannot exhaust it. */
    private static final int MAX_META_SIZE = 1 << 20;

    private final InputStream in;
    private long position;
    private long remaining;
    private long padding;
    private final byte[] header = new byte[BLOCK];

    /** @param in the archive, positioned at its start; not closed by this reader */
    TarReader(InputStream in) {
        this.in = in;
    }

    /**
     * Skips what is left of the current member and reads the next header.
     *
     * @return the next member, or {@code null} at the end of the archive
     * @throws IOException when the archive is malformed or truncated
     */
    TarEntry next() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        String longLink = null;
        Map<String, String> pax = Map.of();
        while (true) {
            if (!readBlock()) {
                return null;
            }
            if (isZero(header)) {
                // end of archive: two zero blocks (a lone one at EOF is tolerated, as GNU tar does)
                return null;
            }
            verifyChecksum();
            char type = (char) (header[156] & 0xff);
            long size = number(124, 12, "size");
            if (size < 0) {
                throw new IOException("tar header at offset " + (position - BLOCK) + " has a negative size");
            }
            switch (type) {
                case 'L', 'K', 'x' -> {
                    if (size > MAX_META_SIZE) {
                        throw new IOException("tar " + (type == 'x' ? "PAX" : "long name") + " header at offset "
                                + (position - BLOCK) + " is too large (" + size + " bytes)");
                    }
                    byte[] data = readMeta(size);
                    if (type == 'L') {
                        longName = cString(data, 0, data.length);
                    } else if (type == 'K') {
                        longLink = cString(data, 0, data.length);
                    } else {
                        pax = parsePax(data);
                    }
                    continue;
                }
                case 'g' -> {
                    // global PAX header: its keys (comments, charset) do not change where members go
                    skipFully(size + pad(size));
                    continue;
                }
                case 'S' -> throw new IOException("tar member at offset " + (position - BLOCK)
                        + " is a GNU sparse file, which is not supported");
                default -> {
                }
            }
            String name = longName != null ? longName : ustarName();
            String link = longLink != null ? longLink : cString(header, 157, 100);
            int mode = (int) (number(100, 8, "mode") & 07777);
            long uid = number(108, 8, "uid");
            long gid = number(116, 8, "gid");
            long mtime = number(136, 12, "mtime");
            if (pax.containsKey("path")) {
                name = pax.get("path");
            }
            if (pax.containsKey("linkpath")) {
                link = pax.get("linkpath");
            }
            size = paxNumber(pax, "size", size);
            uid = paxNumber(pax, "uid", uid);
            gid = paxNumber(pax, "gid", gid);
            if (pax.containsKey("mtime")) {
                String value = pax.get("mtime");
                int dot = value.indexOf('.');
                mtime = paxNumber(Map.of("mtime", dot < 0 ? value : value.substring(0, dot)), "mtime", mtime);
            }
            if (type == '\0') {
                type = TarEntry.FILE;
            }
            // links, directories and special files carry no content whatever their size field says;
            // members of unknown types are skipped by their size
            boolean contentless = type >= TarEntry.HARDLINK && type <= TarEntry.FIFO;
            long contentSize = contentless ? 0 : size;
            TarEntry entry = new TarEntry(name, type, mode, uid, gid, contentSize, mtime, link, position);
            remaining = contentSize;
            padding = pad(contentSize);
            return entry;
        }
    }

    /**
     * @return the current member's content; reading it past its size returns end of stream. Valid
     *     until the next call to {@link #next}.
     */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("tar archive ends inside a member's content");
                }
                remaining -= n;
                position += n;
                return n;
            }
        };
    }

    private boolean readBlock() throws IOException {
        int off = 0;
        while (off < BLOCK) {
            int n = in.read(header, off, BLOCK - off);
            if (n < 0) {
                if (off == 0) {
                    return false;
                }
                throw new EOFException("tar archive ends inside a header at offset " + position);
            }
            off += n;
        }
        position += BLOCK;
        return true;
    }

    private byte[] readMeta(long size) throws IOException {
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("tar archive ends inside an extended header");
        }
        position += size;
        skipFully(pad(size));
        return data;
    }

    private void skipFully(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("tar archive is truncated");
                }
                skipped = 1;
            }
            left -= skipped;
        }
        position += n;
    }

    private static long pad(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private void verifyChecksum() throws IOException {
        long stored = number(148, 8, "checksum");
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : header[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("tar header at offset " + (position - BLOCK) + " has a bad checksum"
                    + " (not a tar archive, or a corrupt one)");
        }
    }

    private String ustarName() {
        String name = cString(header, 0, 100);
        // POSIX ustar ("ustar\0") splits long names into prefix + name; GNU ("ustar  ") uses the area otherwise
        boolean posix = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        if (posix) {
            String prefix = cString(header, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    private long number(int offset, int length, String field) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            // base-256: big-endian two's complement in the remaining bits
            long value = (header[offset] & 0x40) != 0 ? -1 : 0;
            value = (value << 6) | (header[offset] & 0x3f);
            for (int i = 1; i < length; i++) {
                if ((value >>> 55) != 0 && value > 0) {
                    throw new IOException("tar header field " + field + " is too large");
                }
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        long value = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        for (; i < end; i++) {
            byte b = header[i];
            if (b == 0 || b == ' ') {
                break;
            }
            if (b < '0' || b > '7') {
                throw new IOException("tar header at offset " + (position - BLOCK) + " has a bad " + field
                        + " field");
            }
            value = (value << 3) | (b - '0');
        }
        return value;
    }

    private static long paxNumber(Map<String, String> pax, String key, long fallback) throws IOException {
        String value = pax.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IOException("tar PAX header has a bad " + key + " '" + value + "'");
        }
    }

    private static Map<String, String> parsePax(byte[] data) throws IOException {
        Map<String, String> records = new HashMap<>();
        int i = 0;
        while (i < data.length) {
            int space = i;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("tar PAX header has a bad record length");
            }
            int end = i + length;
            if (length <= 0 || end > data.length || data[end - 1] != '\n' || space >= end) {
                throw new IOException("tar PAX header has a bad record");
            }
            String record = new String(data, space + 1, end - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq <= 0) {
                throw new IOException("tar PAX header has a record without '='");
            }
            records.put(record.substring(0, eq), record.substring(eq + 1));
            i = end;
        }
        return records;
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }
}
