package corral.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootedPathsTest {

    @TempDir
    Path tmp;

    @Test
    void symlinksAndDotDotStayInsideTheRoot() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createSymbolicLink(root.resolve("mnt"), Path.of("/"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createSymbolicLink(root.resolve("usr/up"), Path.of("../../../.."));

        assertEquals(root, RootedPaths.resolve(root, "/mnt"), "an absolute link means the image's root");
        assertEquals(root.resolve("etc"), RootedPaths.resolve(root, "/mnt/etc"));
        assertEquals(root.resolve("usr/lib/x"), RootedPaths.resolve(root, "lib/x"));
        assertEquals(root.resolve("tmp"), RootedPaths.resolve(root, "/usr/up/tmp"), "'..' stops at the root");
        assertEquals(root.resolve("a/b"), RootedPaths.resolve(root, "/../../a/./b"));
    }

    @Test
    void aSymlinkLoopIsEloopNamingThePath() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));
        NativeException e = assertThrows(NativeException.class, () -> RootedPaths.resolve(root, "/a/x"));
        assertEquals("ELOOP", e.errno().name());
        assertEquals("resolve /a/x in " + root + ": ELOOP (Too many levels of symbolic links)", e.getMessage());
    }
}
