package corral.isolator.docker.store;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in the {@code sha256:<hex>} form images use. */
final class Digests {

    private Digests() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide SHA-256", e);
        }
    }

    static String of(MessageDigest digest) {
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    static String of(byte[] bytes) {
        MessageDigest d = sha256();
        d.update(bytes);
        return of(d);
    }

    static void verify(byte[] bytes, String expected, String what) throws IOException {
        String actual = of(bytes);
        if (!actual.equals(expected)) {
            throw new IOException("The " + what + " does not match its digest: expected " + expected + ", got " + actual);
        }
    }
}
