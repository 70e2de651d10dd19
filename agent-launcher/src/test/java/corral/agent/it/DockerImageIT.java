package corral.agent.it;

import static corral.agent.it.Agent.assertNoStackTrace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import corral.agent.testimages.BusyboxImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 7's "done when", as an operator types it: {@code bin/agent run
 * --isolation=filesystem/linux,docker/runtime,namespaces/pid --image_providers=docker
 * --docker_registry=DIR --docker_image=NAME}, as a separate process. The image (a {@code docker save}
 * archive of Debian's busybox-static made here with GNU tar) runs its Entrypoint + Cmd inside its
 * root filesystem with its Env and WorkingDir; stderr shows the layers' extraction the first time
 * only; nothing stays mounted.
 */
class DockerImageIT {

    private static final Path BUSYBOX = BusyboxImage.BUSYBOX;
    private final String cgroupsRoot = "corral-docker-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Process> agents = new ArrayList<>();
    private Path dir;
    private Path registry;
    private List<String> layers;

    @BeforeEach
    void setUp() throws Exception {
        boolean root = "0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
        String why = !root ? "needs root" : !Files.isRegularFile(BUSYBOX)
                ? "needs busybox-static (apt-get install -y busybox-static)" : null;
        if (why != null) {
            System.out.println("SKIPPED DockerImageIT: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "corral-docker-it-");
        registry = Files.createDirectories(dir.resolve("registry"));
        layers = writeImage(registry.resolve("busybox:1.0.tar"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir == null) {
            return;
        }
        for (Process p : agents) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        // a container still running (a failed test) is killed through its checkpointed pid
        Path containers = dir.resolve("run/containers");
        if (Files.isDirectory(containers)) {
            try (var dirs = Files.list(containers)) {
                for (Path d : dirs.toList()) {
                    if (Files.exists(d.resolve("pid"))) {
                        long pid = Long.parseLong(Files.readString(d.resolve("pid")).trim().split(" ")[0]);
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
            Thread.sleep(200);
        }
        for (String hierarchy : List.of("/sys/fs/cgroup/freezer", "/sys/fs/cgroup/unified")) {
            Path root = Path.of(hierarchy, cgroupsRoot);
            if (Files.isDirectory(root)) {
                try (var children = Files.list(root)) {
                    for (Path c : children.filter(Files::isDirectory).toList()) {
                        Files.deleteIfExists(c);
                    }
                }
                Files.deleteIfExists(root);
            }
        }
        List<String> mounts = mountsUnder(dir);
        for (String m : mounts) {
            new ProcessBuilder("umount", "-l", m).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).inheritIO().start().waitFor();
        assertEquals(List.of(), mounts, "mounts left behind");
    }

    private Agent.Result run(String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--work_dir=" + dir.resolve("work"),
                "--runtime_dir=" + dir.resolve("run"), "--isolation=filesystem/linux,docker/runtime,namespaces/pid",
                "--image_providers=docker", "--docker_registry=" + registry, "--docker_store_dir=" + dir.resolve("store"),
                "--docker_image=busybox:1.0"));
        args.addAll(List.of(extra));
        return Agent.run(args.toArray(String[]::new));
    }

    @Test
    void runsTheImageShowingItsExtractionTheFirstTimeOnly() throws IOException {
        Agent.Result first = run();

        assertEquals(0, first.exit(), first.toString());
        assertEquals("hello from image\n/work/dir\ndata group passwd\n", first.out(), first.toString());
        for (int i = 0; i < 2; i++) {
            String layer = "layer " + (i + 1) + "/2 (" + layers.get(i) + ") of image 'busybox:1.0'";
            assertTrue(first.err().contains("Extracting " + layer + ": "), "progress shown:\n" + first);
            assertTrue(Pattern.compile("Extracted " + Pattern.quote(layer) + ": \\d+ entries, ").matcher(first.err())
                    .find(), first.toString());
        }
        assertNoStackTrace(first);

        Agent.Result second = run("--container_id=again");
        assertEquals(0, second.exit(), second.toString());
        assertEquals(first.out(), second.out());
        assertFalse(second.err().contains("Extract"), "the store's layers are not extracted again:\n" + second);
        assertEquals(List.of(), mountsUnder(dir));
        try (var left = Files.list(dir.resolve("work/provisioner/containers"))) {
            assertEquals(List.of(), left.toList(), "root filesystems removed");
        }
    }

    @Test
    void dockerIgnoreRuntimeRunsTheCommandWithoutTheImagesEnvOrWorkingDir() {
        Agent.Result r = run("--docker_ignore_runtime", "--", "/bin/sh", "-c",
                "echo \"${GREETING:-no image env}\"; pwd");

        assertEquals(0, r.exit(), r.toString());
        assertEquals("no image env\n/mnt/mesos/sandbox\n", r.out(), r.toString());
    }

    @Test
    void serveRemovesTheRootFilesystemsOfContainersThatEndedWhileItWasDownAndOfUnknownOnes() throws Exception {
        Served agent = serve();
        assertEquals(200, call(agent, launchImage("ends", "3")).statusCode());
        assertEquals(200, call(agent, launchImage("runs", "600")).statusCode());
        Path containers = dir.resolve("work/provisioner/containers");
        assertEquals(List.of(containers.resolve("ends/rootfs").toString(), containers.resolve("runs/rootfs").toString()),
                mountsUnder(containers).stream().sorted().toList(), "both run in an overlay of the image");
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(agent.base().resolve("/metrics/snapshot"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("\"corral/docker_store/layers_extracted\":2"), "two layers, extracted once: " + metrics);
        agent.process().destroyForcibly(); // kill -9: nothing is cleaned up
        assertTrue(agent.process().waitFor(30, TimeUnit.SECONDS));
        Path status = dir.resolve("run/containers/ends/status");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(status) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(status), "'ends' ended while the agent was down");
        // a root filesystem no checkpoint knows: the agent died between provisioning and checkpointing
        Files.writeString(Files.createDirectories(containers.resolve("ghost/rootfs/etc")).resolve("passwd"), "x\n");

        agent = serve();
        // 'ends' is destroyed as the agent adopts it; its final status comes once that is done
        HttpResponse<String> ended = call(agent, "{\"type\":\"WAIT_CONTAINER\",\"wait_container\":{\"container_id\":"
                + "{\"value\":\"ends\"}}}");
        assertTrue(ended.body().contains("\"exit_code\":0"), ended.body());

        assertEquals(List.of(containers.resolve("runs/rootfs").toString()), mountsUnder(containers),
                "only the re-adopted container keeps its root filesystem");
        try (var left = Files.list(containers)) {
            assertEquals(List.of(containers.resolve("runs")), left.toList());
        }
        assertEquals(200, call(agent, "{\"type\":\"KILL_CONTAINER\",\"kill_container\":{\"container_id\":"
                + "{\"value\":\"runs\"}}}").statusCode());
        HttpResponse<String> waited = call(agent, "{\"type\":\"WAIT_CONTAINER\",\"wait_container\":{\"container_id\":"
                + "{\"value\":\"runs\"}}}");
        assertTrue(waited.body().contains("TASK_KILLED"), waited.body());
        assertEquals(List.of(), mountsUnder(dir), "removed on cleanup too");
        try (var left = Files.list(containers)) {
            assertEquals(List.of(), left.toList());
        }
        agent.process().destroy();
        assertTrue(agent.process().waitFor(30, TimeUnit.SECONDS));
    }

    /** A running {@code bin/agent serve} and its address. */
    private record Served(Process process, URI base) {
    }

    private Served serve() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", Agent.MODULES + java.io.File.pathSeparator + Agent.JAR, "--add-modules",
                "ALL-MODULE-PATH", "-m", "corral.agent/corral.agent.Main", "serve", "--port=0",
                "--work_dir=" + dir.resolve("work"), "--runtime_dir=" + dir.resolve("run"),
                "--cgroups_root=" + cgroupsRoot, "--isolation=filesystem/linux,docker/runtime,namespaces/pid",
                "--image_providers=docker", "--docker_registry=" + registry, "--docker_store_dir=" + dir.resolve("store")));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        agents.add(p);
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder output = new StringBuilder();
        String prefix = "Corral agent listening on ";
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            output.append(line).append('\n');
            if (line.startsWith(prefix)) {
                Thread drain = new Thread(() -> reader.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return new Served(p, URI.create(line.substring(prefix.length()).trim()));
            }
        }
        throw new AssertionError("the agent did not start:\n" + output);
    }

    private static HttpResponse<String> call(Served agent, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(agent.base().resolve("/api/v1"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String launchImage(String id, String sleepSeconds) {
        return "{\"type\":\"LAUNCH_CONTAINER\",\"launch_container\":{\"container_id\":{\"value\":\"" + id + "\"},"
                + "\"command\":{\"shell\":false,\"value\":\"/bin/busybox\",\"arguments\":[\"busybox\",\"sleep\",\""
                + sleepSeconds + "\"]},\"container\":{\"type\":\"MESOS\",\"mesos\":{\"image\":{\"type\":\"DOCKER\","
                + "\"docker\":{\"name\":\"busybox:1.0\"}}}}}}";
    }

    /** @return the diff ids of the two layers of the test image, its Cmd printing what the tests check */
    private List<String> writeImage(Path archiveFile) throws Exception {
        String script = "echo \\\"$GREETING\\\"; pwd; busybox ls /etc | busybox xargs";
        return BusyboxImage.write(Files.createDirectories(dir.resolve("build")), archiveFile,
                "{\"Env\":[\"PATH=/bin\",\"GREETING=hello from image\"],"
                + "\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":[\"" + script + "\"],\"WorkingDir\":\"/work/dir\"}");
    }

    private static List<String> mountsUnder(Path dir) throws IOException {
        return BusyboxImage.mountsUnder(dir);
    }
}
