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

        // concurrent launches of one id: exactly one container runs
        String contested = "it-race-" + UUID.randomUUID();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            racing.add(http.sendAsync(HttpRequest.newBuilder(agent.base().resolve("/api/v1"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(launch(contested, "sleep 600"))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> codes = new ArrayList<>();
        for (var f : racing) {
            codes.add(f.get(60, TimeUnit.SECONDS).statusCode());
        }
        assertEquals(1, codes.stream().filter(c -> c == 200).count(), codes.toString());
        assertEquals(15, codes.stream().filter(c -> c == 202).count(), codes.toString());
        Struct listed = json(call(agent, "{\"type\":\"GET_CONTAINERS\",\"get_containers\":{\"show_standalone\":true}}")
                .body());
        assertEquals(1, at(listed, "get_containers", "containers").getListValue().getValuesCount());
        // every process working in the contested container's sandbox: one task, started once
        Path contestedSandbox = tmp.resolve("work/sandboxes").resolve(contested).toRealPath();
        long tasks = 0;
        // the launch answers before the task's shell has exec'd sleep: give it a moment on a loaded host
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); tasks == 0 && System.nanoTime() < deadline;
                Thread.sleep(50)) {
            tasks = ProcessHandle.allProcesses().filter(p -> {
                try {
                    return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).equals(contestedSandbox)
                            && p.info().command().orElse("").endsWith("/sleep");
                } catch (IOException | UnsupportedOperationException | SecurityException e) {
                    return false;
                }
            }).count();
        }
        assertEquals(1, tasks, "one task process for the contested id");
        assertEquals(200, call(agent, idCall("KILL_CONTAINER", "kill_container", contested)).statusCode());
        assertEquals("TASK_KILLED", at(json(call(agent, idCall("WAIT_CONTAINER", "wait_container", contested)).body()),
                "wait_container", "state").getStringValue());

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
        assertTrue(get(agent, "/metrics").body().contains("corral_container_launches_total 3"));

        // a launch failure is 400 with Mesos's message, said once
        r = call(agent, "{\"type\":\"LAUNCH_CONTAINER\",\"launch_container\":{\"container_id\":{\"value\":\"it-bad-"
                + UUID.randomUUID() + "\"},\"command\":{\"shell\":false,\"value\":\"/no/such/program\"}}}");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("Failed to launch container: Invalid command '/no/such/program': no such file", r.body().strip());

        agent.process().destroy(); // SIGTERM: a clean stop
        assertTrue(agent.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, agent.process().exitValue(), agent.output().toString());
    }

    @Test
    void aDiskLimitationEndsTheContainerWithTheIsolatorsReasonAndResources() throws Exception {
        AgentProcess agent = startAgent("--isolation=disk/du", "--enforce_container_disk_quota",
                "--container_disk_watch_interval=1secs");
        String id = "it-disk-" + UUID.randomUUID();
        HttpResponse<String> r = call(agent, "{\"type\":\"LAUNCH_CONTAINER\",\"launch_container\":{\"container_id\":"
                + "{\"value\":\"" + id + "\"},\"command\":{\"value\":\"dd if=/dev/zero of=big bs=1M count=4 2>/dev/null;"
                + " sleep 60\"},\"resources\":[{\"name\":\"disk\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}}]}}");
        assertEquals(200, r.statusCode(), r.body());
        HttpResponse<String> wait = call(agent, idCall("WAIT_CONTAINER", "wait_container", id));
        assertEquals(200, wait.statusCode(), wait.body());
        Struct status = json(wait.body());
        assertEquals("TASK_FAILED", at(status, "wait_container", "state").getStringValue(), wait.body());
        assertEquals("REASON_CONTAINER_LIMITATION_DISK", at(status, "wait_container", "reason").getStringValue());
        assertTrue(at(status, "wait_container", "message").getStringValue().contains("Disk usage"), wait.body());
        assertEquals("disk", at(status, "wait_container", "limitation", "resources", "0", "name").getStringValue());
        assertEquals("REASON_CONTAINER_LIMITATION_DISK",
                at(status, "wait_container", "limitation", "reason").getStringValue());
        String metrics = get(agent, "/metrics").body();
        assertTrue(metrics.contains("corral_container_limitations_total{reason=\"REASON_CONTAINER_LIMITATION_DISK\"} 1"),
                metrics);
    }

    @Test
    void stateShowsTheNetClsClassidOfATaskUnderItsFramework() throws Exception {
        Assumptions.assumeTrue(isRoot(), () -> {
            System.out.println("AgentProcessIT: cgroups/net_cls needs root; skipped");
            return "not root";
        });
        boolean netClsWasMounted = Files.readString(Path.of("/proc/self/mountinfo")).lines()
                .anyMatch(l -> l.contains(" - cgroup ") && l.matches(".*[ ,]net_cls([ ,].*|$)"));
        String root = "corral-daemon-it-" + UUID.randomUUID().toString().substring(0, 8);
        cgroupRoots.add(Path.of("/sys/fs/cgroup/net_cls").resolve(root));
        cgroupRoots.add(Path.of("/sys/fs/cgroup/freezer").resolve(root));
        try {
            AgentProcess agent = startAgent("--isolation=cgroups/net_cls", "--cgroups_net_cls_primary_handle=0x12",
                    "--cgroups_root=" + root);
            String id = "it-netcls-" + UUID.randomUUID();
            HttpResponse<String> r = call(agent, "{\"type\":\"LAUNCH_CONTAINER\",\"launch_container\":{\"container_id\":"
                    + "{\"value\":\"" + id + "\"},\"command\":{\"value\":\"sleep 600\"},\"framework_id\":{\"value\":\"fw\"},"
                    + "\"executor_id\":{\"value\":\"ex\"},\"task_id\":{\"value\":\"t1\"}}}");
            assertEquals(200, r.statusCode(), r.body());
            Struct state = json(get(agent, "/state").body());
            assertEquals("fw", at(state, "frameworks", "0", "id").getStringValue());
            assertEquals("t1", at(state, "frameworks", "0", "executors", "0", "tasks", "0", "id").getStringValue());
            long classid = (long) at(state, "frameworks", "0", "executors", "0", "tasks", "0", "statuses", "0",
                    "container_status", "cgroup_info", "net_cls", "classid").getNumberValue();
            assertEquals(0x12, classid >>> 16, "primary handle 0x12 in the class id " + Long.toHexString(classid));
            // the kernel agrees
            String written = Files.readString(Path.of("/sys/fs/cgroup/net_cls", root, id, "net_cls.classid")).trim();
            assertEquals(classid, Long.parseLong(written));
            assertEquals(200, call(agent, idCall("KILL_CONTAINER", "kill_container", id)).statusCode());
            call(agent, idCall("WAIT_CONTAINER", "wait_container", id));
        } finally {
            if (!netClsWasMounted) {
                stopEverything();
                agents.clear();
                new ProcessBuilder("umount", "/sys/fs/cgroup/net_cls").inheritIO().start().waitFor();
                Files.deleteIfExists(Path.of("/sys/fs/cgroup/net_cls"));
            }
        }
    }

    @Test
    void aTakenPortStopsTheAgentBeforeRecovery() throws Exception {
        AgentProcess first = startAgent();
        // its own directories: the same ones would be refused first (oneRuntimeDirectory...)
        Path orphan = tmp.resolve("run2/containers/orphan-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(orphan);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", MODULE_PATH, "--add-modules", "ALL-MODULE-PATH", "-m", "corral.agent/corral.agent.Main", "serve",
                "--port=" + first.base().getPort(), "--work_dir=" + tmp.resolve("work2"),
                "--runtime_dir=" + tmp.resolve("run2")));
        Process second = new ProcessBuilder(command).redirectErrorStream(true).start();
        agents.add(second);
        String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, second.exitValue(), out);
        assertTrue(out.contains("Failed to listen on 127.0.0.1:" + first.base().getPort()), out);
        assertTrue(Files.exists(orphan), "nothing was recovered or destroyed");
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
        // one that ends and is cleaned up before the crash: its final status must survive the restart
        String before = "crash-before-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(200, call(agent, launch(before, "exit 7")).statusCode());
        assertEquals(7, (int) at(json(call(agent, idCall("WAIT_CONTAINER", "wait_container", before)).body()),
                "wait_container", "exit_code").getNumberValue());
        agent.process().destroyForcibly(); // kill -9
        assertTrue(agent.process().waitFor(30, TimeUnit.SECONDS));

        // leftovers an agent can find after a crash: an interrupted launch and a stray cgroup
        Path interrupted = tmp.resolve("run/containers/interrupted-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(interrupted);
        Files.writeString(interrupted.resolve("launch"), "");
        Path corrupt = tmp.resolve("run/containers/corrupt-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(corrupt);
        Files.writeString(corrupt.resolve("pid"), "not a pid\n");
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
        assertFalse(Files.exists(corrupt), "the corrupt checkpoint is destroyed as an orphan");
        assertTrue(agent.output().toString().contains("recovery: checkpoint of container " + corrupt.getFileName()
                + " is unreadable"), agent.output().toString());
        Struct earlier = json(call(agent, idCall("WAIT_CONTAINER", "wait_container", before)).body());
        assertEquals(7, (int) at(earlier, "wait_container", "exit_code").getNumberValue());
        assertEquals("TASK_FAILED", at(earlier, "wait_container", "state").getStringValue());
        assertEquals(200, call(agent, idCall("REMOVE_CONTAINER", "remove_container", before)).statusCode());
        assertFalse(Files.exists(tmp.resolve("run/containers").resolve(before)));
        assertFalse(Files.exists(tmp.resolve("work/sandboxes").resolve(before)));

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

    @Test
    void oneRuntimeDirectoryServesOneServeOrAnyNumberOfRunsNeverBoth() throws Exception {
        String[] dirs = {"--work_dir=" + tmp.resolve("work"), "--runtime_dir=" + tmp.resolve("run")};
        AgentProcess agent = startAgent();
        // a run beside it would have its container destroyed as an orphan the next time serve starts
        Cmd run = cmd(List.of("run", dirs[0], dirs[1], "--launcher=posix", "--", "true"));
        assertEquals(1, run.exit(), run.output());
        assertEquals("Another Corral agent uses --runtime_dir '" + tmp.resolve("run") + "': 'bin/agent serve' (pid "
                + agent.process().pid() + ") is using it. Give this one its own --runtime_dir and --work_dir (a 'serve'"
                + " destroys the containers of its runtime directory that it did not start), or wait for the other"
                + " to end\n", run.output());
        Cmd second = cmd(List.of("serve", "--port=0", dirs[0], dirs[1]));
        assertEquals(1, second.exit(), second.output());
        assertEquals("Another Corral agent uses --runtime_dir '" + tmp.resolve("run") + "': 'bin/agent serve' (pid "
                + agent.process().pid() + ") is using it. Give this one its own --runtime_dir and --work_dir (a 'serve'"
                + " destroys the containers of its runtime directory that it did not start), or wait for the other"
                + " to end\n", second.output());
        agent.process().destroy();
        assertTrue(agent.process().waitFor(30, TimeUnit.SECONDS));

        // two runs side by side are fine; a serve waits for them
        Path marker = tmp.resolve("started");
        Process first = new ProcessBuilder(command(List.of("run", dirs[0], dirs[1], "--launcher=posix", "--", "sh", "-c",
                "touch " + marker + "; sleep 5"))).redirectErrorStream(true).start();
        agents.add(first);
        for (int i = 0; i < 300 && !Files.exists(marker); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(marker));
        assertEquals(0, cmd(List.of("run", dirs[0], dirs[1], "--launcher=posix", "--", "true")).exit());
        Cmd serve = cmd(List.of("serve", "--port=0", dirs[0], dirs[1]));
        assertEquals(1, serve.exit(), serve.output());
        assertTrue(serve.output().contains("'bin/agent run' is using it"), serve.output());
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue());
    }

    /** A finished agent command and what it printed. */
    private record Cmd(int exit, String output) {
    }

    private List<String> command(List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", MODULE_PATH, "--add-modules", "ALL-MODULE-PATH", "-m", "corral.agent/corral.agent.Main"));
        command.addAll(args);
        return command;
    }

    private Cmd cmd(List<String> args) throws Exception {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Cmd(p.exitValue(), output);
    }

    @Test
    void withoutAPidNamespaceTheSupervisorStillRecordsTheExitStatusForARestartedAgent() throws Exception {
        Assumptions.assumeTrue(isRoot(), () -> {
            System.out.println("AgentProcessIT: the crash test needs root (linux launcher, cgroups); skipped");
            return "not root";
        });
        String root = "corral-daemon-it-" + UUID.randomUUID().toString().substring(0, 8);
        cgroupRoots.add(Path.of("/sys/fs/cgroup/freezer").resolve(root));
        cgroupRoots.add(Path.of("/sys/fs/cgroup/unified").resolve(root));
        String[] flags = {"--launcher=linux", "--isolation=filesystem/linux", "--cgroups_root=" + root};
        AgentProcess agent = startAgent(flags);
        String id = "nopid-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(200, call(agent, launch(id, "sleep 3; exit 13")).statusCode());
        agent.process().destroyForcibly(); // kill -9
        assertTrue(agent.process().waitFor(30, TimeUnit.SECONDS));
        Path status = tmp.resolve("run/containers").resolve(id).resolve("status");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(status) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("13\n", Files.readString(status), "recorded by the supervisor while the agent was down");

        agent = startAgent(flags);
        HttpResponse<String> r = call(agent, idCall("WAIT_CONTAINER", "wait_container", id));
        assertEquals(200, r.statusCode(), r.body());
        Struct s = json(r.body());
        assertEquals(13, (int) at(s, "wait_container", "exit_code").getNumberValue(), r.body());
        assertEquals("TASK_FAILED", at(s, "wait_container", "state").getStringValue());
        assertEquals(0, countInits(tmp.resolve("run/containers")));
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
