package corral.agent.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The users of an image, and of the host, as the launcher and the sandbox's owner see them. */
class UserDatabaseTest {

    @TempDir
    Path image;

    @Test
    void rootNeedsNoEntryInAnImageWithoutAUserDatabase() throws Exception {
        // scratch and distroless images have no /etc/passwd; frameworks often send user=root
        assertEquals(new UserDatabase.User("root", 0, 0, false), UserDatabase.image(image).find("root"));
        assertEquals(new UserDatabase.User("1000", 1000, 1000, false), UserDatabase.image(image).find("1000"));
        LaunchException e = assertThrows(LaunchException.class, () -> UserDatabase.image(image).find("app"));
        assertEquals("Invalid user 'app': no such user in the image's /etc/passwd", e.getMessage());
    }

    @Test
    void theIdThatMeansUnchangedIsRefused() throws Exception {
        // setresuid(-1) keeps the caller's uid: the task would run as root
        Files.createDirectories(image.resolve("etc"));
        Files.writeString(image.resolve("etc/passwd"), "sneaky:x:4294967295:4294967295::/:/bin/sh\n");
        for (String user : List.of("sneaky", "4294967295")) {
            LaunchException e = assertThrows(LaunchException.class, () -> UserDatabase.image(image).find(user));
            assertEquals("Invalid user '" + user + "': uid or gid 4294967295 is reserved (it means 'unchanged' to the"
                    + " kernel)", e.getMessage());
        }
        assertThrows(LaunchException.class, () -> UserDatabase.host().find("4294967295"));
    }

    @Test
    void anAbsoluteSymlinkForPasswdStaysInsideTheImage() throws Exception {
        Files.createDirectories(image.resolve("etc"));
        Files.createDirectories(image.resolve("host/etc"));
        Files.writeString(image.resolve("host/etc/passwd"), "inside:x:7:7::/:/bin/sh\n");
        Files.createSymbolicLink(image.resolve("etc/passwd"), Path.of("/host/etc/passwd"));
        // followed inside the image: the host's /etc/passwd (which has root, not 'inside') is never read
        assertEquals(new UserDatabase.User("inside", 7, 7, true), UserDatabase.image(image).find("inside"));
    }
}
