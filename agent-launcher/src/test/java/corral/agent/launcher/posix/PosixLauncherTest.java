package corral.agent.launcher.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.LaunchedContainer;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixLauncherTest {

    @TempDir
    Path sandbox;

    private LaunchSpec spec(ContainerLaunchInfo info, String... argv) {
        return new LaunchSpec(ContainerID.newBuilder().setValue("t").build(), sandbox, info, List.of(argv),
                Map.of("PATH", "/usr/bin:/bin"), sandbox, null, sandbox.resolve("stdout"), sandbox.resolve("stderr"), null);
    }

    @Test
    void holdsTheCommandUntilStart() throws Exception {
        LaunchedContainer c = new PosixLauncher().launch(spec(ContainerLaunchInfo.getDefaultInstance(),
                "/bin/sh", "-c", "echo $$ > ran"));
        Thread.sleep(200);
        assertFalse(Files.exists(sandbox.resolve("ran")), "held before exec");
        c.start();
        assertEquals(0, c.exit().get(10, TimeUnit.SECONDS));
        assertEquals(Long.toString(c.pid()), Files.readString(sandbox.resolve("ran")).trim(), "exec keeps the pid");
    }

    @Test
    void abortKillsTheHeldProcessWithoutRunningTheCommand() throws Exception {
        LaunchedContainer c = new PosixLauncher().launch(spec(ContainerLaunchInfo.getDefaultInstance(), "touch", "ran"));
        c.abort();
        assertTrue(c.exit().isDone());
        assertTrue(corral.agent.TestProcesses.gone(c.pid()));
        assertFalse(Files.exists(sandbox.resolve("ran")));
    }

    @Test
    void rawStatusDistinguishesExitFromSignal() throws Exception {
        LaunchedContainer exit = new PosixLauncher().launch(spec(ContainerLaunchInfo.getDefaultInstance(),
                "/bin/sh", "-c", "exit 42"));
        exit.start();
        assertEquals(42 << 8, exit.exit().get(10, TimeUnit.SECONDS));
        LaunchedContainer killed = new PosixLauncher().launch(spec(ContainerLaunchInfo.getDefaultInstance(), "sleep", "60"));
        killed.start();
        killed.signal(9);
        assertEquals(9, killed.exit().get(10, TimeUnit.SECONDS));
        LaunchedContainer interrupted = new PosixLauncher().launch(spec(ContainerLaunchInfo.getDefaultInstance(), "sleep", "60"));
        interrupted.start();
        Thread.sleep(100);
        interrupted.signal(2); // through kill(1)
        assertEquals(2, interrupted.exit().get(10, TimeUnit.SECONDS));
        assertEquals(1, PosixContainer.rawStatus(129));
        assertEquals(128 << 8, PosixContainer.rawStatus(128));
    }

    @Test
    void leaderExitTakesItsSessionAlong() throws Exception {
        LaunchedContainer c = new PosixLauncher().launch(spec(ContainerLaunchInfo.getDefaultInstance(),
                "/bin/sh", "-c", "sleep 60 & echo $! > child"));
        c.start();
        assertEquals(0, c.exit().get(10, TimeUnit.SECONDS));
        long child = Long.parseLong(Files.readString(sandbox.resolve("child")).trim());
        assertTrue(corral.agent.TestProcesses.gone(child), "no process outlives the container");
        assertFalse(new SessionKiller().anyAlive(c.pid()));
    }

    @Test
    void destroyKillsWhatIgnoresSigtermAfterTheGracePeriod() throws Exception {
        LaunchedContainer c = new PosixLauncher().launch(spec(ContainerLaunchInfo.getDefaultInstance(),
                "/bin/sh", "-c", "trap '' TERM; touch trapped; sleep 60"));
        c.start();
        for (int i = 0; i < 500 && !Files.exists(sandbox.resolve("trapped")); i++) {
            Thread.sleep(10);
        }
        long started = System.nanoTime();
        c.destroy(Duration.ofMillis(300));
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(300), "waited the grace period");
        assertEquals(9, c.exit().get());
    }

    @Test
    void refusesWhatNeedsNamespaces() {
        ContainerLaunchInfo clone = ContainerLaunchInfo.newBuilder().addCloneNamespaces(LinuxNamespaces.CLONE_NEWPID).build();
        assertEquals("Subprocess launcher does not support cloning namespaces",
                assertThrows(LaunchException.class, () -> new PosixLauncher().launch(spec(clone, "true"))).getMessage());
        ContainerLaunchInfo mounts = ContainerLaunchInfo.newBuilder()
                .addMounts(ContainerMountInfo.newBuilder().setTarget("/x")).build();
        assertEquals("Mounts are not supported if the mount namespace is not cloned",
                assertThrows(LaunchException.class, () -> new PosixLauncher().launch(spec(mounts, "true"))).getMessage());
        assertFalse(Files.exists(sandbox.resolve("stdout")), "nothing started");
    }
}
