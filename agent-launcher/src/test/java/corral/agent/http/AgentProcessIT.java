package corral.agent.http;

import static corral.agent.http.OperatorApiTest.at;
import static corral.agent.http.OperatorApiTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent ({@code bin/agent serve}) as a separate process, with the real containerizer:
 * HTTP round trips, bad requests, and recovery after {@code kill -9}.
 */
class AgentProcessIT {

    private static final String MODULE_PATH = System.getProperty("corral.agent.modulePath",
            "target/modules:target/agent-launcher.jar");

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> agents = new ArrayList<>();
    private final List<Path> cgroupRoots = new ArrayList<>();

    /** A running agent process and its address. */
    private record AgentProcess(Process process, URI base, StringBuilder output) {
    }

    private AgentProcess startAgent(String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", MODULE_PATH, "--add-modules", "ALL-MODULE-PATH", "-m", "corral.agent/corral.agent.Main", "serve",
                "--port=0", "--work_dir=" + tmp.resolve("work"), "--runtime_dir=" + tmp.resolve("run")));
        command.addAll(List.of(flags));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        agents.add(p);
        StringBuilder output = new StringBuilder();
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String prefix = "Corral agent listening on ";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = reader.readLine()) != null) {
            output.append(line).append('\n');
            if (line.startsWith(prefix)) {
                Thread drain = new Thread(() -> {
                    try {
                        String l;
                        while ((l = reader.readLine()) != null) {
                            synchronized (output) {
                                output.append(l).append('\n');
                            }
                        }
                    } catch (IOException e) {
                        // the agent is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return new AgentProcess(p, URI.create(line.substring(prefix.length()).trim()), output);
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        throw new AssertionError("the agent did not start:\n" + output);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : agents) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        // any container still running (a failed test) is killed through its checkpointed pid
        Path containers = tmp.resolve("run/containers");
        if (Files.isDirectory(containers)) {
            try (Stream<Path> dirs = Files.list(containers)) {
                for (Path d : dirs.toList()) {
                    Path pid = d.resolve("pid");
                    if (Files.exists(pid)) {
                        long n = Long.parseLong(Files.readString(pid).trim().split(" ")[0]);
                        ProcessHandle.of(n).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
        }
        for (Path root : cgroupRoots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> children = Files.list(root)) {
                for (Path c : children.filter(Files::isDirectory).toList()) {
                    for (String pid : Files.readAllLines(c.resolve("cgroup.procs"))) {
                        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                    Thread.sleep(100);
                    Files.deleteIfExists(c);
                }
            }
            Files.deleteIfExists(root);
        }
    }

    private HttpResponse<String> call(AgentProcess agent, String json) throws Exception {
        return call(agent, json, null);
    }

    private HttpResponse<String> call(AgentProcess agent, String json, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(agent.base().resolve("/api/v1"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(AgentProcess agent, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(agent.base().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String launch(String id, String shellCommand) {
        return "{\"type\":\"LAUNCH_CONTAINER\",\"launch_container\":{\"container_id\":{\"value\":\"" + id
                + "\"},\"command\":{\"value\":\"" + shellCommand + "\"},\"resources\":[{\"name\":\"mem\",\"type\":\"SCALAR\","
                + "\"scalar\":{\"value\":32}}]}}";
    }

    private static String idCall(String type, String field, String id) {
        return "{\"type\":\"" + type + "\",\"" + field + "\":{\"container_id\":{\"value\":\"" + id + "\"}}}";
    }

    @Test
    void launchWaitKillRemoveAndBadRequestsAgainstTheAgentProcess() throws Exception {
        AgentProcess agent = startAgent();
        String id = "it-" + UUID.randomUUID();
        assertEquals(200, call(agent, launch(id, "echo out; echo err >&2; exit 5")).statusCode());
        assertEquals(202, call(agent, launch(id, "true")).statusCode());
        HttpResponse<String> wait = call(agent, idCall("WAIT_CONTAINER", "wait_container", id));
        assertEquals(200, wait.statusCode(), wait.body());
        Struct status = json(wait.body());
        assertEquals(5 << 8, (int) at(status, "wait_container", "exit_status").getNumberValue());
        assertEquals(5, (int) at(status, "wait_container", "exit_code").getNumberValue());
        assertEquals("TASK_FAILED", at(status, "wait_container", "state").getStringValue());
        Path sandbox = Path.of(at(status, "wait_container", "directory").getStringValue());
        assertEquals("out\n", Files.readString(sandbox.resolve("stdout")));
        assertEquals("err\n", Files.readString(sandbox.resolve("stderr")));

        String sleeper = "it-" + UUID.randomUUID();
        assertEquals(200, call(agent, launch(sleeper, "sleep 600")).statusCode());
        Struct containers = json(call(agent, "{\"type\":\"GET_CONTAINERS\",\"get_containers\":{\"show_standalone\":true}}")
                .body());
        assertEquals(sleeper, at(containers, "get_containers", "containers", "0", "container_id", "value").getStringValue());
        long pid = (long) at(containers, "get_containers", "containers", "0", "container_status", "executor_pid")
                .getNumberValue();
        assertTrue(ProcessHandle.of(pid).isPresent());
        assertEquals(200, call(agent, "{\"type\":\"KILL_CONTAINER\",\"kill_container\":{\"container_id\":{\"value\":\""
                + sleeper + "\"},\"signal\":15}}").statusCode());
        Struct killed = json(call(agent, idCall("WAIT_CONTAINER", "wait_container", sleeper)).body());
        assertEquals("TASK_KILLED", at(killed, "wait_container", "state").getStringValue());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(200, call(agent, idCall("REMOVE_CONTAINER", "remove_container", sleeper)).statusCode());
        assertFalse(Files.exists(tmp.resolve("run/containers").resolve(sleeper)));
        assertFalse(Files.exists(tmp.resolve("work/sandboxes").resolve(sleeper)));

        // bad requests
        HttpResponse<String> r = call(agent, "{not json");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("Failed to parse body into JSON"), r.body());
        r = http.send(HttpRequest.newBuilder(agent.base().resolve("/api/v1")).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0x0a, (byte) 0xff})).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("Failed to parse body into Call protobuf"), r.body());
        r = call(agent, "{\"type\":\"TELEPORT_CONTAINER\"}");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("Unknown call type 'TELEPORT_CONTAINER'"), r.body());
        r = call(agent, "{\"type\":\"WAIT_CONTAINER\",\"wait_container\":{}}");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("'wait_container.container_id'"), r.body());
        r = call(agent, idCall("KILL_CONTAINER", "kill_container", "nobody-" + UUID.randomUUID()));
        assertEquals(404, r.statusCode());
        byte[] big = new byte[HttpSettings.MAX_BODY_BYTES + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        r = http.send(HttpRequest.newBuilder(agent.base().resolve("/api/v1")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode());

        Struct state = json(get(agent, "/state").body());
        assertEquals("standalone",
                at(state, "frameworks", "0", "id").getStringValue());
        assertTrue(get(agent, "/metrics").body().contains("corral_container_launches_total 2"));

        agent.process().destroy(); // SIGTERM: a clean stop
        assertTrue(agent.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, agent.process().exitValue(), agent.output().toString());
    }

    @Test
    void withAuthenticationOnlyHealthIsOpen() throws Exception {
        Path credentials = tmp.resolve("credentials.json");
        Files.writeString(credentials, "{\"credentials\":[{\"principal\":\"ops\",\"secret\":\"s3cret\"}]}");
        AgentProcess agent = startAgent("--authenticate_http_readwrite", "--http_credentials=" + credentials);
        assertEquals(200, get(agent, "/health").statusCode());
        assertEquals(401, get(agent, "/state").statusCode());
        assertEquals(401, call(agent, "{\"type\":\"GET_HEALTH\"}").statusCode());
        String good = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, call(agent, "{\"type\":\"GET_HEALTH\"}", good).statusCode());
        assertEquals(401, call(agent, "{\"type\":\"GET_HEALTH\"}",
                "Basic " + Base64.getEncoder().encodeToString("ops:nope".getBytes(StandardCharsets.UTF_8))).statusCode());
    }

    @Test
    void afterKill9EveryContainerIsAccountedForAndOrphansAreCleaned() throws Exception {
        Assumptions.assumeTrue(isRoot(), () -> {
            System.out.println("AgentProcessIT: the crash test needs root (linux launcher, cgroups); skipped");
            return "not root";
        });
        String root = "corral-daemon-it-" + UUID.randomUUID().toString().substring(0, 8);
        Path freezer = Path.of("/sys/fs/cgroup/freezer");
        Path unified = Path.of("/sys/fs/cgroup/unified");
        cgroupRoots.add(freezer.resolve(root));
        cgroupRoots.add(unified.resolve(root));
        String[] flags = {"--launcher=linux", "--isolation=namespaces/pid", "--cgroups_root=" + root};
        AgentProcess agent = startAgent(flags);

        List<String> running = new ArrayList<>();
        List<String> ending = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "crash-" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
            // five end while the agent is down, each with its own exit code
            String command = i < 5 ? "sleep 4; exit " + (10 + i) : "sleep 600";
            HttpResponse<String> r = call(agent, launch(id, command));
            assertEquals(200, r.statusCode(), r.body());
            (i < 5 ? ending : running).add(id);
        }
        agent.process().destroyForcibly(); // kill -9
        assertTrue(agent.process().waitFor(30, TimeUnit.SECONDS));

        // leftovers an agent can find after a crash: an interrupted launch and a stray cgroup
        Path interrupted = tmp.resolve("run/containers/interrupted-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(interrupted);
        Files.writeString(interrupted.resolve("launch"), "");
        Process stray = new ProcessBuilder("sleep", "600").start();
        Path strayCgroup = null;
        for (Path h : List.of(freezer, unified)) {
            if (Files.isWritable(h.resolve("cgroup.procs"))) {
                Path cg = h.resolve(root).resolve("stray");
                Files.createDirectories(cg);
                Files.writeString(cg.resolve("cgroup.procs"), Long.toString(stray.pid()));
                strayCgroup = cg;
            }
        }
        for (String id : ending) {
            Path status = tmp.resolve("run/containers").resolve(id).resolve("status");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(status) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(status), "the container's init recorded its status while the agent was down: " + status);
        }

        agent = startAgent(flags);
        assertTrue(stray.waitFor(30, TimeUnit.SECONDS), "the stray cgroup's process is killed");
        if (strayCgroup != null) {
            assertFalse(Files.exists(strayCgroup), "orphan cgroup removed: " + strayCgroup);
        }
        assertFalse(Files.exists(interrupted), "the interrupted launch's runtime dir is removed");

        // the 15 still running are re-adopted, exactly once each
        Struct containers = json(call(agent, "{\"type\":\"GET_CONTAINERS\",\"get_containers\":{\"show_standalone\":true}}")
                .body());
        Set<String> listed = new HashSet<>();
        for (Value c : at(containers, "get_containers", "containers").getListValue().getValuesList()) {
            assertTrue(listed.add(c.getStructValue().getFieldsOrThrow("container_id").getStructValue()
                    .getFieldsOrThrow("value").getStringValue()), "listed once");
        }
        assertEquals(Set.copyOf(running), listed);
        // the 5 that ended while the agent was down report their real exit status
        for (int i = 0; i < ending.size(); i++) {
            HttpResponse<String> r = call(agent, idCall("WAIT_CONTAINER", "wait_container", ending.get(i)));
            assertEquals(200, r.statusCode(), r.body());
            Struct s = json(r.body());
            assertEquals(10 + i, (int) at(s, "wait_container", "exit_code").getNumberValue(), r.body());
            assertEquals((10 + i) << 8, (int) at(s, "wait_container", "exit_status").getNumberValue());
            assertEquals("TASK_FAILED", at(s, "wait_container", "state").getStringValue());
        }
        // /state accounts for all 20: 15 running executors, 5 completed
        Struct state = json(get(agent, "/state").body());
        assertEquals(15, at(state, "frameworks", "0", "executors").getListValue().getValuesCount());
        assertEquals(5, at(state, "frameworks", "0", "completed_executors").getListValue().getValuesCount());
        // exactly 15 container inits run: nothing was started twice
        assertEquals(15, countInits(tmp.resolve("run/containers")));

        // the re-adopted containers are killable and waitable; nothing is left behind
        for (String id : running) {
            assertEquals(200, call(agent, idCall("KILL_CONTAINER", "kill_container", id)).statusCode());
        }
        for (String id : running) {
            Struct s = json(call(agent, idCall("WAIT_CONTAINER", "wait_container", id)).body());
            assertEquals("TASK_KILLED", at(s, "wait_container", "state").getStringValue(), id);
        }
        assertEquals(0, countInits(tmp.resolve("run/containers")));
        for (Path h : List.of(freezer, unified)) {
            Path dir = h.resolve(root);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> left = Files.list(dir)) {
                    assertEquals(List.of(), left.filter(Files::isDirectory).toList(), "container cgroups left in " + dir);
                }
            }
        }
        agent.process().destroy();
        assertTrue(agent.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, agent.process().exitValue());
    }

    /** Counts live processes whose command line names a status file under the runtime dir (the inits). */
    private static long countInits(Path runtime) {
        String marker = runtime.toString() + "/";
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a)).orElse("").contains(marker))
                .count();
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException e) {
            return false;
        }
    }
}
