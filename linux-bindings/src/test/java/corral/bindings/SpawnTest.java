package corral.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpawnTest {

    @TempDir
    Path dir;

    private long spawn(Path out, String script, String... env) throws Exception {
        try (Spawn.Request r = Spawn.request()) {
            r.addopen(0, "/dev/null", Spawn.O_RDONLY, 0)
                    .addopen(1, out.toString(), Spawn.O_WRONLY | Spawn.O_CREAT | Spawn.O_TRUNC, 0644)
                    .addopen(2, out.toString(), Spawn.O_WRONLY | Spawn.O_APPEND, 0)
                    .addclosefrom_np(3)
                    .setsigmaskEmptyAndSigdefaultAll()
                    .program("/bin/sh", List.of("sh", "-c", script), List.of(env));
            return r.posix_spawn();
        }
    }

    @Test
    void childGetsCleanSignalsOnlyThreeFdsAndExactlyTheGivenEnvironment() throws Exception {
        Path out = dir.resolve("out");
        long pid = spawn(out, "grep -E '^Sig(Blk|Ign)' /proc/self/status; ls /proc/self/fd; env", "A=b c", "Z=1");
        Processes.Exit exit = Processes.wait4(pid);
        assertEquals(0, exit.status());
        String text = Files.readString(out);
        assertTrue(text.contains("SigBlk:\t0000000000000000"), text);
        assertTrue(text.contains("SigIgn:\t0000000000000000"), text);
        // ls opens one fd of its own for the directory listing
        assertEquals(List.of("0", "1", "2", "3"), text.lines().filter(l -> l.matches("\\d+")).toList(), text);
        assertTrue(text.contains("A=b c\n") && text.contains("Z=1\n"), text);
        assertFalse(text.contains("HOME="), text);
    }

    @Test
    void rawWaitStatusIsExact() throws Exception {
        long pid = spawn(dir.resolve("o"), "exit 7");
        assertEquals(7 << 8, Processes.wait4(pid).status());
        pid = spawn(dir.resolve("o"), "kill -KILL $$");
        assertEquals(9, Processes.wait4(pid).status());
    }

    @Test
    void waitidLeavesTheChildWaitableAndKillReportsMissingProcesses() throws Exception {
        long pid = spawn(dir.resolve("o"), "sleep 30");
        assertTrue(Signals.kill(pid, Signals.SIGTERM));
        Processes.waitid_exited_nowait(pid);
        assertTrue(Files.readString(Path.of("/proc/" + pid + "/stat")).contains(") Z "), "zombie until reaped");
        assertEquals(Signals.SIGTERM, Processes.wait4(pid).status());
        assertThrows(NativeException.class, () -> Processes.wait4(pid));
    }

    @Test
    void pipeCarriesBytesAndFailuresNameTheCall() throws Exception {
        int[] fds = Spawn.pipe2(Spawn.O_CLOEXEC);
        Path out = dir.resolve("o");
        long pid;
        try (Spawn.Request r = Spawn.request()) {
            r.addopen(1, out.toString(), Spawn.O_WRONLY | Spawn.O_CREAT | Spawn.O_TRUNC, 0644)
                    .adddup2(fds[0], 3).addclosefrom_np(4)
                    .program("/bin/sh", List.of("sh", "-c", "read -r x <&3; echo \"got $x\""), List.of());
            pid = r.posix_spawn();
        }
        Spawn.close(fds[0]);
        Spawn.write(fds[1], "go\n".getBytes(StandardCharsets.UTF_8));
        Spawn.close(fds[1]);
        assertEquals(0, Processes.wait4(pid).status());
        assertEquals("got go\n", Files.readString(out));

        try (Spawn.Request r = Spawn.request()) {
            r.program("/nonexistent/x", List.of("x"), List.of());
            NativeException e = assertThrows(NativeException.class, r::posix_spawn);
            assertEquals("posix_spawn /nonexistent/x: ENOENT (No such file or directory)", e.getMessage());
        }
    }

    @Test
    void chmodSetsStickyAndSetgidBits() throws Exception {
        Path d = Files.createDirectory(dir.resolve("t"));
        FileModes.chmod(d.toString(), 03777);
        assertEquals(03777, ((Integer) Files.getAttribute(d, "unix:mode")) & 07777);
        NativeException e = assertThrows(NativeException.class, () -> FileModes.chmod(dir + "/missing", 0755));
        assertEquals("chmod " + dir + "/missing: ENOENT (No such file or directory)", e.getMessage());
    }
}
