package corral.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountinfoTest {

    @Test
    void parsesOptionalFieldsEscapesAndSkipsOtherLines() {
        String text = String.join("\n",
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro",
                "35 22 0:30 / /sys/fs/cgroup/net\\040cls rw,nosuid shared:9 master:2 - cgroup cgroup rw,net_cls",
                "40 22 0:44 /sub /mnt/a\\134b rw - tmpfs my\\040src rw",
                "not a mountinfo line",
                "");

        List<Mountinfo.Mount> mounts = Mountinfo.parse(text);

        assertEquals(3, mounts.size(), mounts.toString());
        assertEquals(new Mountinfo.Mount("8:1", "/", Path.of("/"), "rw,relatime", "ext4", "/dev/sda1",
                "rw,errors=remount-ro"), mounts.get(0));
        assertEquals(Path.of("/sys/fs/cgroup/net cls"), mounts.get(1).mountPoint());
        assertEquals("cgroup", mounts.get(1).type());
        assertEquals("rw,net_cls", mounts.get(1).superOptions());
        assertEquals("/sub", mounts.get(2).root());
        assertEquals(Path.of("/mnt/a\\b"), mounts.get(2).mountPoint());
        assertEquals("my src", mounts.get(2).source());
    }

    @Test
    void unescapeLeavesWhatIsNotAnOctalEscape() {
        assertEquals("a\\9zz b\\", Mountinfo.unescape("a\\9zz\\040b\\"));
    }

    @Test
    void readsThisProcesssMountTable() throws Exception {
        List<Mountinfo.Mount> mounts = Mountinfo.read();

        assertTrue(mounts.stream().anyMatch(m -> m.mountPoint().equals(Path.of("/"))), mounts.toString());
        assertTrue(mounts.stream().anyMatch(m -> m.mountPoint().equals(Path.of("/proc")) && m.type().equals("proc")),
                mounts.toString());
    }
}
