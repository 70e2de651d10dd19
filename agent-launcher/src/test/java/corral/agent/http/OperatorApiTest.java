package corral.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import corral.agent.checkpoint.CheckpointLayout;
import corral.agent.checkpoint.Checkpointer;
import com.typesafe.config.ConfigFactory;
import corral.agent.containerizer.ContainerizerSettings;
import corral.agent.containerizer.DefaultContainerizer;
import corral.agent.containerizer.ImageProvisioners;
import corral.agent.discovery.IsolatorPlan;
import corral.agent.launcher.linux.LinuxLauncher;
import corral.agent.launcher.posix.PosixLauncher;
import corral.agent.http.v1.Call;
import corral.agent.http.v1.Response;
import corral.agent.http.v1.VersionInfo;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HTTP round trips against the API served in-process over the real containerizer with the posix
 * launcher (no root needed). The agent as a separate process is tested in {@code AgentProcessIT}.
 */
class OperatorApiTest {

    @TempDir
    Path tmp;

    private CountingContainerizer containerizer;
    private Agent agent;
    private AgentHttpServer server;
    /**
     * As root the linux launcher runs the containers (its threads end with them); otherwise the posix
     * launcher, whose reaper threads idle for a minute before they end.
     */
    private static final boolean LINUX = LinuxLauncher.available();
    private static final String CGROUPS_ROOT = "corral-daemon-test-" + UUID.randomUUID().toString().substring(0, 8);

    /** One client for the class: a client's file descriptors close only when it is collected. */
    private static final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private URI base;

    @BeforeEach
    void start() throws Exception {
        start(new HttpSettings("127.0.0.1", 0, false, Map.of()));
    }

    private void start(HttpSettings settings) throws Exception {
        if (server != null) {
            stop();
        }
        Checkpointer checkpointer = new Checkpointer(new CheckpointLayout(tmp.resolve("run")));
        var config = ConfigFactory.parseMap(Map.of("corral.agent.work_dir", tmp.resolve("work").toString(),
                "corral.agent.runtime_dir", tmp.resolve("run").toString(),
                "corral.agent.executor_shutdown_grace_period", "1secs"))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        containerizer = new CountingContainerizer(new DefaultContainerizer(ContainerizerSettings.from(config),
                new IsolatorPlan(List.of()), LINUX ? new LinuxLauncher(CGROUPS_ROOT) : new PosixLauncher(),
                ImageProvisioners.none(), checkpointer));
        agent = new Agent(containerizer, checkpointer,
                tmp.resolve("work"), new Agent.AgentInfo("agent-1", "host", 1.0,
                        Map.of("work_dir", tmp.resolve("work").toString(), "ip", "127.0.0.1", "port", "0"),
                        VersionInfo.newBuilder().setVersion("0.1.0-test").build(),
                        List.of(new Isolator() {
                            @Override
                            public Map<String, Double> metrics() {
                                return Map.of("test/gauge", 42.0);
                            }
                        })));
        server = new AgentHttpServer(settings, agent);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.address().getPort());
    }

    @AfterEach
    void stop() {
        server.close();
        for (Agent.Entry e : agent.entries()) {
            containerizer.kill(e.id, 9);
        }
        for (Agent.Entry e : agent.entries()) {
            e.ended.exceptionally(x -> null).join();
        }
        containerizer.close();
    }

    @org.junit.jupiter.api.AfterAll
    static void removeTheCgroupsRoot() throws Exception {
        for (String h : List.of("/sys/fs/cgroup/freezer", "/sys/fs/cgroup/unified")) {
            Files.deleteIfExists(Path.of(h, CGROUPS_ROOT)); // the launcher removed each container's cgroup
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void noAgentThreadOutlivesItsServer() throws Exception {
        List<String> left = List.of();
        for (int i = 0; i < 100; i++) {
            left = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("corral-http") || n.startsWith("corral-adopted")).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("threads left after the servers closed: " + left);
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/api/v1")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String json) throws Exception {
        return post("application/json", json);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static Struct json(String text) throws Exception {
        Struct.Builder b = Struct.newBuilder();
        JsonFormat.parser().merge(text, b);
        return b.build();
    }

    static ListValue jsonArray(String text) throws Exception {
        ListValue.Builder b = ListValue.newBuilder();
        JsonFormat.parser().merge(text, b);
        return b.build();
    }

    static Value at(Struct s, String... path) {
        Value v = Value.newBuilder().setStructValue(s).build();
        for (String p : path) {
            if (p.matches("\\d+")) {
                v = v.getListValue().getValues(Integer.parseInt(p));
            } else {
                assertTrue(v.getStructValue().containsFields(p), "no '" + p + "' in " + v);
                v = v.getStructValue().getFieldsOrThrow(p);
            }
        }
        return v;
    }

    private static String launch(String id, String shellCommand) {
        return "{\"type\":\"LAUNCH_CONTAINER\",\"launch_container\":{\"container_id\":{\"value\":\"" + id
                + "\"},\"command\":{\"value\":\"" + shellCommand + "\"},\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\","
                + "\"scalar\":{\"value\":0.5}},{\"name\":\"mem\",\"type\":\"SCALAR\",\"scalar\":{\"value\":64}}]}}";
    }

    private static String idCall(String type, String field, String id) {
        return "{\"type\":\"" + type + "\",\"" + field + "\":{\"container_id\":{\"value\":\"" + id + "\"}}}";
    }

    private static String id() {
        return "c-" + UUID.randomUUID();
    }

    @Test
    void launchWaitReportsTheRealExitStatusAndALaunchOfAnIdInUseIsAccepted() throws Exception {
        String id = id();
        assertEquals(200, call(launch(id, "exit 3")).statusCode());
        assertEquals(202, call(launch(id, "exit 0")).statusCode(), "Mesos answers 202 for an id in use");

        HttpResponse<String> wait = call(idCall("WAIT_CONTAINER", "wait_container", id));
        assertEquals(200, wait.statusCode(), wait.body());
        assertEquals("application/json", wait.headers().firstValue("Content-Type").orElse(""));
        Struct body = json(wait.body());
        assertEquals("WAIT_CONTAINER", at(body, "type").getStringValue());
        assertEquals(3 << 8, (int) at(body, "wait_container", "exit_status").getNumberValue());
        assertEquals(3, (int) at(body, "wait_container", "exit_code").getNumberValue());
        assertEquals("TASK_FAILED", at(body, "wait_container", "state").getStringValue());
        assertEquals(id, at(body, "wait_container", "container_id").getStringValue());
        assertEquals(1, containerizer.launches.get());

        assertEquals(200, call(idCall("REMOVE_CONTAINER", "remove_container", id)).statusCode());
        assertEquals(404, call(idCall("WAIT_CONTAINER", "wait_container", id)).statusCode());
        assertFalse(Files.exists(tmp.resolve("run/containers").resolve(id)), "checkpoint removed with the container");
    }

    @Test
    void concurrentLaunchesOfOneIdRunExactlyOneContainer() throws Exception {
        String id = id();
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> codes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Callable<Integer> task = () -> {
                go.await();
                return call(launch(id, "sleep 30")).statusCode();
            };
            codes.add(pool.submit(task));
        }
        go.countDown();
        int ok = 0;
        int accepted = 0;
        for (Future<Integer> f : codes) {
            int code = f.get();
            ok += code == 200 ? 1 : 0;
            accepted += code == 202 ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, ok);
        assertEquals(n - 1, accepted);
        assertEquals(1, containerizer.launches.get(), "the containerizer launched the id once");
    }

    @Test
    void killDefaultsToSigkillAndTheWaitingClientSeesIt() throws Exception {
        String id = id();
        assertEquals(200, call(launch(id, "sleep 60")).statusCode());
        var pending = http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/v1"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(idCall("WAIT_CONTAINER", "wait_container", id))).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(200);
        assertFalse(pending.isDone(), "WAIT_CONTAINER long-polls while the container runs");
        assertEquals(200, call(idCall("KILL_CONTAINER", "kill_container", id)).statusCode());
        HttpResponse<String> wait = pending.get();
        Struct body = json(wait.body());
        assertEquals(9, (int) at(body, "wait_container", "exit_status").getNumberValue());
        assertEquals(137, (int) at(body, "wait_container", "exit_code").getNumberValue());
        assertEquals("TASK_KILLED", at(body, "wait_container", "state").getStringValue());
    }

    @Test
    void protobufBodiesAndAcceptNegotiation() throws Exception {
        String id = id();
        Call launch = Call.newBuilder().setType(Call.Type.LAUNCH_CONTAINER).setLaunchContainer(
                Call.LaunchContainer.newBuilder().setContainerId(ContainerID.newBuilder().setValue(id))
                        .setCommand(CommandInfo.newBuilder().setValue("exit 0"))).build();
        HttpResponse<byte[]> launched = http.send(HttpRequest.newBuilder(base.resolve("/api/v1"))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(launch.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, launched.statusCode());
        Call wait = Call.newBuilder().setType(Call.Type.WAIT_CONTAINER).setWaitContainer(
                Call.WaitContainer.newBuilder().setContainerId(ContainerID.newBuilder().setValue(id))).build();
        HttpResponse<byte[]> waited = http.send(HttpRequest.newBuilder(base.resolve("/api/v1"))
                .header("Content-Type", "application/x-protobuf").header("Accept", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(wait.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, waited.statusCode());
        assertEquals("application/x-protobuf", waited.headers().firstValue("Content-Type").orElse(""));
        Response response = Response.parseFrom(waited.body());
        assertEquals(Response.Type.WAIT_CONTAINER, response.getType());
        assertEquals(0, response.getWaitContainer().getExitStatus());
        assertEquals("TASK_FINISHED", response.getWaitContainer().getState().name());

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/api/v1"))
                .header("Content-Type", "application/json").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_HEALTH\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(406, health.statusCode());
        HttpResponse<String> ok = call("{\"type\":\"GET_HEALTH\"}");
        assertTrue(at(json(ok.body()), "get_health", "healthy").getBoolValue());
    }

    @Test
    void badRequestsGetMesosStatusCodesAndSayWhy() throws Exception {
        HttpResponse<String> r = call("{\"type\": ");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("Failed to parse body into JSON: "), r.body());
        assertFalse(r.body().contains("Exception"), "the reason, not the parser's exception class: " + r.body());

        r = post("application/x-protobuf", "\u00ff\u00ff\u00ff");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("Failed to parse body into Call protobuf"), r.body());

        r = call("{\"type\":\"LAUNCH_ROCKET\"}");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("Unknown call type 'LAUNCH_ROCKET'"), r.body());

        r = call("{\"type\":\"LAUNCH_CONTAINER\",\"launch_container\":{\"command\":{\"value\":\"true\"}}}");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("'launch_container.container_id'"), r.body());

        r = call("{\"type\":\"LAUNCH_CONTAINER\"}");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("Expecting 'launch_container' to be present"), r.body());

        r = call(launch("../etc", "true"));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("'ContainerID.value' '../etc' contains invalid characters"), r.body());
        assertFalse(Files.exists(tmp.resolve("etc")));

        // the HTTP check and the containerizer's are one rule: refused at validation, not by the launch
        r = call(launch("a:b", "true"));
        assertEquals(400, r.statusCode());
        assertEquals("Failed to validate agent::Call: 'ContainerID.value' 'a:b' contains invalid characters", r.body());

        r = call("{\"type\":\"KILL_CONTAINER\",\"kill_container\":{\"container_id\":{\"value\":\"x\"},\"signal\":99}}");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("'kill_container.signal' 99"), r.body());

        String unknown = id();
        for (String[] c : new String[][] {{"WAIT_CONTAINER", "wait_container"}, {"KILL_CONTAINER", "kill_container"},
                {"REMOVE_CONTAINER", "remove_container"}}) {
            r = call(idCall(c[0], c[1], unknown));
            assertEquals(404, r.statusCode(), c[0]);
            assertEquals("Container " + unknown + " cannot be found", r.body());
        }

        r = post("text/plain", "{}");
        assertEquals(415, r.statusCode());
        r = http.send(HttpRequest.newBuilder(base.resolve("/api/v1")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), "no Content-Type");
        assertEquals(405, get("/api/v1").statusCode());
        assertEquals(405, http.send(HttpRequest.newBuilder(base.resolve("/state"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(404, get("/nothing-here").statusCode());

        byte[] big = new byte[HttpSettings.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpResponse<String> tooBig = http.send(HttpRequest.newBuilder(base.resolve("/api/v1"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, tooBig.statusCode());
        assertEquals(0, containerizer.launches.get(), "no bad request launched anything");
    }

    @Test
    void aFailedLaunchIsA400AndItsFinalStatusSaysWhy() throws Exception {
        String id = id();
        HttpResponse<String> r = call("{\"type\":\"LAUNCH_CONTAINER\",\"launch_container\":{\"container_id\":{\"value\":\""
                + id + "\"},\"command\":{\"shell\":false}}}");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("Failed to launch container: "), r.body());
        Struct wait = json(call(idCall("WAIT_CONTAINER", "wait_container", id)).body());
        assertEquals("TASK_FAILED", at(wait, "wait_container", "state").getStringValue());
        assertEquals("REASON_CONTAINER_LAUNCH_FAILED", at(wait, "wait_container", "reason").getStringValue());
        assertTrue(at(wait, "wait_container", "message").getStringValue().contains("has no value"), wait.toString());
        assertEquals(202, call(launch(id, "true")).statusCode(), "the id stays in use until it is removed");
        assertEquals(200, call(idCall("REMOVE_CONTAINER", "remove_container", id)).statusCode());
        assertEquals(200, call(launch(id, "true")).statusCode());
    }

    @Test
    void removingARunningContainerIsRefusedAndChangesNothing() throws Exception {
        String id = id();
        assertEquals(200, call(launch(id, "sleep 30")).statusCode());
        HttpResponse<String> r = call(idCall("REMOVE_CONTAINER", "remove_container", id));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("still running"), r.body());
        assertTrue(Files.exists(tmp.resolve("run/containers").resolve(id).resolve("launch")));
    }

    @Test
    void stateListsTasksUnderTheirFrameworkAndStandaloneContainersUnderStandalone() throws Exception {
        String standalone = id();
        String task = id();
        assertEquals(200, call(launch(standalone, "sleep 30")).statusCode());
        assertEquals(200, call("{\"type\":\"LAUNCH_CONTAINER\",\"launch_container\":{\"container_id\":{\"value\":\""
                + task + "\"},\"command\":{\"value\":\"sleep 30\"},\"framework_id\":{\"value\":\"fw-1\"},"
                + "\"executor_id\":{\"value\":\"ex-1\"},\"task_id\":{\"value\":\"t-1\"}}}").statusCode());

        HttpResponse<String> r = get("/state");
        assertEquals(200, r.statusCode());
        Struct state = json(r.body());
        assertEquals("agent-1", at(state, "id").getStringValue());
        Value frameworks = at(state, "frameworks");
        assertEquals(2, frameworks.getListValue().getValuesCount());
        Struct fw = at(state, "frameworks", "0").getStructValue();
        assertEquals("fw-1", at(fw, "id").getStringValue());
        assertEquals("ex-1", at(fw, "executors", "0", "id").getStringValue());
        assertEquals(task, at(fw, "executors", "0", "container").getStringValue());
        assertEquals("t-1", at(fw, "executors", "0", "tasks", "0", "id").getStringValue());
        assertEquals("TASK_RUNNING", at(fw, "executors", "0", "tasks", "0", "state").getStringValue());
        assertEquals(task, at(fw, "executors", "0", "tasks", "0", "statuses", "0", "container_status",
                "container_id", "value").getStringValue());
        Struct sa = at(state, "frameworks", "1").getStructValue();
        assertEquals(Agent.STANDALONE, at(sa, "id").getStringValue());
        assertEquals(standalone, at(sa, "executors", "0", "tasks", "0", "id").getStringValue());
        assertEquals(0.5, at(sa, "executors", "0", "resources", "cpus").getNumberValue());

        ListValue stats = jsonArray(get("/monitor/statistics").body());
        assertEquals(2, stats.getValuesCount());
        Struct first = stats.getValues(0).getStructValue();
        assertTrue(first.getFieldsOrThrow("statistics").getStructValue().containsFields("timestamp"));
        Struct standaloneStats = stats.getValuesList().stream().map(Value::getStructValue)
                .filter(v -> v.getFieldsOrThrow("container_id").getStringValue().equals(standalone)).findFirst()
                .orElseThrow();
        assertEquals(64L << 20, (long) standaloneStats.getFieldsOrThrow("statistics").getStructValue()
                .getFieldsOrThrow("mem_limit_bytes").getNumberValue(), "64-bit numbers are JSON numbers");

        // GET_CONTAINERS hides standalone containers unless asked, as Mesos
        Struct containers = json(call("{\"type\":\"GET_CONTAINERS\"}").body());
        assertEquals(1, at(containers, "get_containers", "containers").getListValue().getValuesCount());
        containers = json(call("{\"type\":\"GET_CONTAINERS\",\"get_containers\":{\"show_standalone\":true}}").body());
        assertEquals(2, at(containers, "get_containers", "containers").getListValue().getValuesCount());
        assertTrue(at(containers, "get_containers", "containers", "0", "container_status").hasStructValue());

        ListValue byTask = jsonArray(get("/containers?framework_id=fw-1&executor_id=ex-1").body());
        assertEquals(1, byTask.getValuesCount());
        assertEquals(task, byTask.getValues(0).getStructValue().getFieldsOrThrow("container_id").getStringValue());
        assertTrue(byTask.getValues(0).getStructValue().getFieldsOrThrow("status").getStructValue()
                .containsFields("executor_pid"));
        assertEquals(1, jsonArray(get("/containers?container_id=" + standalone).body()).getValuesCount());
        assertEquals(2, jsonArray(get("/containers").body()).getValuesCount());
        HttpResponse<String> badQuery = get("/containers?executor_id=ex-1");
        assertEquals(400, badQuery.statusCode());
        assertEquals("Supported query parameters are container_id only, framework_id only, or executor_id and"
                + " framework_id only", badQuery.body());

        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("corral_container_launches_total 2\n"), metrics);
        assertTrue(metrics.contains("corral_container_launch_duration_seconds_count 2\n"), metrics);
        assertTrue(metrics.contains("corral_container_memory_limit_bytes{container_id=\"" + standalone + "\""), metrics);
        Struct snapshot = json(get("/metrics/snapshot").body());
        assertEquals(2, (int) at(snapshot, "slave/tasks_running").getNumberValue());
        assertEquals(42, (int) at(snapshot, "test/gauge").getNumberValue(), "isolators' agent-wide metrics");
        assertEquals("0.1.0-test", at(json(get("/version").body()), "version").getStringValue());
        assertEquals(tmp.resolve("work").toString(), at(json(get("/flags").body()), "flags", "work_dir").getStringValue());
        assertEquals(200, get("/health").statusCode());
    }

    @Test
    void withAuthenticationEveryEndpointButHealthNeedsCredentials() throws Exception {
        start(new HttpSettings("127.0.0.1", 0, true, Map.of("ops", "s3cret")));
        String good = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));
        String bad = "Basic " + Base64.getEncoder().encodeToString("ops:guess".getBytes(StandardCharsets.UTF_8));
        for (String path : List.of("/state", "/monitor/statistics", "/containers", "/flags", "/version",
                "/metrics/snapshot", "/metrics")) {
            HttpResponse<String> r = get(path);
            assertEquals(401, r.statusCode(), path);
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="), path);
            assertEquals(401, http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", bad)
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), path);
            assertEquals(200, http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", good)
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), path);
        }
        assertEquals(401, call(launch(id(), "true")).statusCode());
        assertEquals(0, containerizer.launches.get());
        assertEquals(200, get("/health").statusCode());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/v1"))
                .header("Content-Type", "application/json").header("Authorization", good)
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_VERSION\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("0.1.0-test", at(json(r.body()), "get_version", "version_info", "version").getStringValue());
    }

    @Test
    void credentialsFileIsReadAsMesosWritesIt() throws Exception {
        Path file = tmp.resolve("creds.json");
        Files.writeString(file, "{\"credentials\":[{\"principal\":\"p\",\"secret\":\"s\"},{\"principal\":\"q\",\"secret\":\"t\"}]}");
        assertEquals(Map.of("p", "s", "q", "t"), HttpSettings.readCredentials(file.toString()));
        assertEquals(Map.of("p", "s", "q", "t"), HttpSettings.readCredentials("file://" + file));
        Files.writeString(file, "{\"credentials\":[{\"principal\":\"p\"}]}");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HttpSettings.readCredentials(file.toString()));
        assertTrue(e.getMessage().contains("credentials[0]"), e.getMessage());
    }
}
