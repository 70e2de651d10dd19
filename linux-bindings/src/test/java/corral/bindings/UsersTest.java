package corral.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** getpwnam_r/getpwuid_r against what the host's /etc/passwd says. */
class UsersTest {

    @Test
    void rootAndNobodyAreFoundByNameAndByUid() throws Exception {
        assertEquals(Optional.of(new Users.Passwd("root", 0, 0)), Users.getpwnam("root"));
        assertEquals(Optional.of(new Users.Passwd("root", 0, 0)), Users.getpwuid(0));
        String nobody = Files.readAllLines(Path.of("/etc/passwd")).stream().filter(l -> l.startsWith("nobody:"))
                .findFirst().orElseThrow();
        String[] fields = nobody.split(":");
        Users.Passwd expected = new Users.Passwd("nobody", Long.parseLong(fields[2]), Long.parseLong(fields[3]));
        assertEquals(Optional.of(expected), Users.getpwnam("nobody"));
        assertEquals(Optional.of(expected), Users.getpwuid(expected.uid()), "ids above 2^31 would come back negative");
    }

    @Test
    void anUnknownUserIsEmptyNotAnError() throws Exception {
        assertEquals(Optional.empty(), Users.getpwnam("no-such-user-here"));
        assertEquals(Optional.empty(), Users.getpwuid(4_000_000_000L));
    }
}
