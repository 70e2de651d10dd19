package corral.agent.http;

import corral.agent.containerizer.FinalStatus;
import corral.agent.http.v1.Response;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.MesosJson;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.ExecutorID;
import corral.isolator.spi.mesos.FrameworkID;
import corral.isolator.spi.mesos.Resource;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The read endpoints, in Mesos's JSON shapes (reference section 4). */
final class ReadEndpoints {

    private static final System.Logger LOG = System.getLogger(ReadEndpoints.class.getName());

    private final Agent agent;

    ReadEndpoints(Agent agent) {
        this.agent = agent;
    }

    /** @return {@code GET /state} */
    Map<String, Object> state() {
        Agent.AgentInfo info = agent.info();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("version", info.version().getVersion());
        if (info.version().hasBuildDate()) {
            state.put("build_date", info.version().getBuildDate());
        }
        if (info.version().hasBuildTime()) {
            state.put("build_time", info.version().getBuildTime());
        }
        if (info.version().hasBuildUser()) {
            state.put("build_user", info.version().getBuildUser());
        }
        state.put("start_time", info.startTime());
        state.put("id", info.id());
        // every flag has a value (reference.conf gives the defaults)
        state.put("pid", "slave(1)@" + info.flags().get("ip") + ":" + info.flags().get("port"));
        state.put("hostname", info.hostname());
        state.put("capabilities", List.of());
        state.put("resources", new LinkedHashMap<>());
        state.put("attributes", new LinkedHashMap<>());
        state.put("flags", new TreeMap<>(info.flags()));

        // framework id -> executor id -> container; running ones under executors, ended ones under completed_executors
        Map<String, Map<String, Object>> frameworks = new TreeMap<>();
        for (Agent.Entry e : agent.entries()) {
            if (!e.launchDone.isDone()) {
                continue;
            }
            Map<String, Object> framework = frameworks.computeIfAbsent(e.frameworkId(), id -> {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("id", id);
                f.put("name", id);
                f.put("user", "root");
                f.put("checkpoint", true);
                f.put("role", "*");
                f.put("executors", new ArrayList<>());
                f.put("completed_executors", new ArrayList<>());
                return f;
            });
            Optional<FinalStatus> done = e.finalStatus();
            Map<String, Object> task = task(e, done);
            Map<String, Object> executor = new LinkedHashMap<>();
            executor.put("id", e.executorId());
            executor.put("name", e.executorId());
            executor.put("source", e.taskId());
            executor.put("container", e.id.getValue());
            executor.put("directory", done.map(FinalStatus::directory).orElse(agent.sandbox(e.id).toString()));
            executor.put("resources", resources(e.launch.getResourcesList()));
            executor.put("role", "*");
            executor.put("tasks", done.isPresent() ? List.of() : List.of(task));
            executor.put("queued_tasks", List.of());
            executor.put("completed_tasks", done.isPresent() ? List.of(task) : List.of());
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) framework.get(done.isPresent() ? "completed_executors" : "executors");
            list.add(executor);
        }
        state.put("frameworks", new ArrayList<>(frameworks.values()));
        state.put("completed_frameworks", List.of());
        return state;
    }

    private Map<String, Object> task(Agent.Entry e, Optional<FinalStatus> done) {
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("id", e.taskId());
        task.put("name", e.taskId());
        task.put("framework_id", e.frameworkId());
        task.put("executor_id", e.executorId());
        task.put("slave_id", agent.info().id());
        List<Agent.StatusEntry> statuses = e.statuses();
        task.put("state", done.map(f -> f.state().name())
                .orElse(statuses.isEmpty() ? "TASK_STAGING" : statuses.get(statuses.size() - 1).state().name()));
        task.put("resources", resources(e.launch.getResourcesList()));
        task.put("role", "*");
        List<Object> list = new ArrayList<>();
        for (Agent.StatusEntry s : statuses) {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("state", s.state().name());
            status.put("timestamp", s.timestamp());
            status.put("container_status", stateContainerStatus(s.containerStatus()));
            list.add(status);
        }
        task.put("statuses", list);
        if (e.launch.hasContainer()) {
            task.put("container", e.launch.getContainer());
        }
        return task;
    }

    /** {@code /state} shows only container_id, network_infos and cgroup_info of a container status, as Mesos. */
    private static Map<String, Object> stateContainerStatus(ContainerStatus status) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("container_id", status.getContainerId());
        if (status.getNetworkInfosCount() > 0) {
            out.put("network_infos", status.getNetworkInfosList());
        }
        if (status.hasCgroupInfo()) {
            out.put("cgroup_info", status.getCgroupInfo());
        }
        return out;
    }

    /** Mesos's resources object: cpus, gpus, mem, disk always (0 if absent); ranges and sets as text. */
    static Map<String, Object> resources(List<Resource> resources) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpus", 0.0);
        out.put("gpus", 0.0);
        out.put("mem", 0.0);
        out.put("disk", 0.0);
        for (Resource r : resources) {
            String name = r.hasRevocable() ? r.getName() + "_revocable" : r.getName();
            switch (r.getType()) {
                case SCALAR -> out.merge(name, r.getScalar().getValue(), (a, b) -> (Double) a + (Double) b);
                case RANGES -> {
                    List<String> parts = new ArrayList<>();
                    for (Value.Range range : r.getRanges().getRangeList()) {
                        parts.add(range.getBegin() + "-" + range.getEnd());
                    }
                    out.put(name, "[" + String.join(", ", parts) + "]");
                }
                case SET -> out.put(name, "{" + String.join(", ", r.getSet().getItemList()) + "}");
                default -> {
                }
            }
        }
        return out;
    }

    /** @return {@code GET /monitor/statistics}: one entry per running container */
    List<Object> statistics() {
        List<Object> list = new ArrayList<>();
        for (Agent.Entry e : agent.entries()) {
            if (!e.running()) {
                continue;
            }
            Optional<ResourceStatistics> usage = agent.usage(e.id);
            if (usage.isEmpty()) {
                continue; // as Mesos: containers whose usage failed are omitted
            }
            Map<String, Object> entry = identity(e);
            entry.put("statistics", usage.get());
            list.add(entry);
        }
        return list;
    }

    /**
     * @param query the request's query parameters: none, {@code container_id} only,
     *     {@code framework_id} only, or {@code framework_id} and {@code executor_id}
     * @return {@code GET /containers}: every running container (matching the query) with status and statistics
     * @throws HttpError 400 for another combination of parameters, with Mesos's message
     */
    List<Object> containersJson(Map<String, String> query) throws HttpError {
        Set<String> keys = query.keySet();
        if (!(keys.isEmpty() || keys.equals(Set.of("container_id")) || keys.equals(Set.of("framework_id"))
                || keys.equals(Set.of("framework_id", "executor_id")))) {
            throw new HttpError(400, "Supported query parameters are container_id only, framework_id only, or"
                    + " executor_id and framework_id only");
        }
        List<Object> list = new ArrayList<>();
        for (Agent.Entry e : agent.entries()) {
            if (!e.running()
                    || (query.containsKey("container_id") && !query.get("container_id").equals(e.id.getValue()))
                    || (query.containsKey("framework_id") && !query.get("framework_id").equals(e.frameworkId()))
                    || (query.containsKey("executor_id") && !query.get("executor_id").equals(e.executorId()))) {
                continue;
            }
            Map<String, Object> entry = identity(e);
            entry.put("status", agent.status(e.id));
            entry.put("statistics", agent.usage(e.id).orElse(ResourceStatistics.newBuilder()
                    .setTimestamp(Agent.now()).build()));
            list.add(entry);
        }
        return list;
    }

    private static Map<String, Object> identity(Agent.Entry e) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("framework_id", e.frameworkId());
        entry.put("executor_id", e.executorId());
        entry.put("executor_name", e.executorId());
        entry.put("source", e.taskId());
        entry.put("container_id", e.id.getValue());
        return entry;
    }

    /**
     * @param showStandalone whether containers without task identity are listed (Mesos's
     *     {@code show_standalone})
     * @return the {@code GET_CONTAINERS} answer
     */
    Response.GetContainers containers(boolean showStandalone) {
        Response.GetContainers.Builder out = Response.GetContainers.newBuilder();
        for (Agent.Entry e : agent.entries()) {
            if (!e.running() || (e.standalone() && !showStandalone)) {
                continue;
            }
            Response.GetContainers.Container.Builder c = Response.GetContainers.Container.newBuilder()
                    .setContainerId(e.id)
                    .setContainerStatus(agent.status(e.id));
            if (!e.standalone()) {
                c.setFrameworkId(FrameworkID.newBuilder().setValue(e.frameworkId()))
                        .setExecutorId(ExecutorID.newBuilder().setValue(e.executorId()))
                        .setExecutorName(e.executorId());
            }
            agent.usage(e.id).ifPresent(c::setResourceStatistics);
            out.addContainers(c);
        }
        return out.build();
    }

    /** @return {@code GET /version}: Mesos's VersionInfo JSON */
    Map<String, Object> version() {
        Map<String, Object> v = new LinkedHashMap<>();
        var info = agent.info().version();
        v.put("version", info.getVersion());
        if (info.hasBuildDate()) {
            v.put("build_date", info.getBuildDate());
        }
        if (info.hasBuildTime()) {
            v.put("build_time", info.getBuildTime());
        }
        if (info.hasBuildUser()) {
            v.put("build_user", info.getBuildUser());
        }
        return v;
    }

    /** @return {@code GET /flags} */
    Map<String, Object> flags() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("flags", new TreeMap<>(agent.info().flags()));
        return out;
    }

    /** @return {@code GET /metrics/snapshot}: Mesos's flat name-to-number object */
    Map<String, Object> metricsSnapshot() {
        AgentMetrics m = agent.metrics();
        int running = 0;
        int terminated = 0;
        for (Agent.Entry e : agent.entries()) {
            if (e.running()) {
                running++;
            } else if (e.finalStatus().isPresent()) {
                terminated++;
            }
        }
        Map<String, Object> out = new TreeMap<>();
        out.put("slave/uptime_secs", m.uptimeSeconds());
        out.put("slave/tasks_running", running);
        out.put("slave/tasks_finished", m.finished.sum());
        out.put("slave/tasks_failed", m.failed.sum());
        out.put("slave/tasks_killed", m.killed.sum());
        out.put("slave/container_launch_errors", m.launchFailures.sum());
        out.put("containerizer/mesos/container_launches", m.launches.sum());
        out.put("corral/containers_running", running);
        out.put("corral/containers_terminated", terminated);
        out.put("corral/container_kills", m.kills.sum());
        long limitations = 0;
        for (Map.Entry<String, Long> l : m.limitations().entrySet()) {
            out.put("corral/container_limitations/" + l.getKey(), l.getValue());
            limitations += l.getValue();
        }
        out.put("corral/container_limitations", limitations);
        for (Isolator isolator : agent.info().isolators()) {
            try {
                out.putAll(isolator.metrics()); // e.g. disk/xfs: containerizer/mesos/disk/project_ids_free
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "an isolator's metrics failed: " + e);
            }
        }
        try {
            agent.containerizer().metrics().forEach(out::put); // e.g. corral/docker_store/layers_extracted
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the image provisioners' metrics failed: " + e);
        }
        return out;
    }

    /** @return {@code GET /metrics}: the Prometheus text exposition format, version 0.0.4 */
    String prometheus() {
        AgentMetrics m = agent.metrics();
        StringBuilder out = new StringBuilder(2048);
        Map<String, List<String>> perContainer = new LinkedHashMap<>();
        String[][] families = {
            {"corral_container_cpu_user_seconds_total", "counter", "CPU time the container spent in user mode."},
            {"corral_container_cpu_system_seconds_total", "counter", "CPU time the container spent in the kernel."},
            {"corral_container_cpu_limit", "gauge", "CPU limit of the container, in CPUs."},
            {"corral_container_memory_rss_bytes", "gauge", "Resident memory of the container."},
            {"corral_container_memory_limit_bytes", "gauge", "Memory limit of the container."},
            {"corral_container_disk_used_bytes", "gauge", "Disk used by the container's sandbox."},
            {"corral_container_disk_limit_bytes", "gauge", "Disk limit of the container's sandbox."},
        };
        for (String[] f : families) {
            perContainer.put(f[0], new ArrayList<>());
        }
        for (Agent.Entry e : agent.entries()) {
            if (!e.running()) {
                continue;
            }
            Optional<ResourceStatistics> usage = agent.usage(e.id);
            if (usage.isEmpty()) {
                continue;
            }
            ResourceStatistics s = usage.get();
            String labels = "{container_id=\"" + escape(e.id.getValue()) + "\",framework_id=\"" + escape(e.frameworkId())
                    + "\",executor_id=\"" + escape(e.executorId()) + "\"}";
            addIf(perContainer, "corral_container_cpu_user_seconds_total", labels, s.hasCpusUserTimeSecs(), s.getCpusUserTimeSecs());
            addIf(perContainer, "corral_container_cpu_system_seconds_total", labels, s.hasCpusSystemTimeSecs(), s.getCpusSystemTimeSecs());
            addIf(perContainer, "corral_container_cpu_limit", labels, s.hasCpusLimit(), s.getCpusLimit());
            addIf(perContainer, "corral_container_memory_rss_bytes", labels, s.hasMemRssBytes(), s.getMemRssBytes());
            addIf(perContainer, "corral_container_memory_limit_bytes", labels, s.hasMemLimitBytes(), s.getMemLimitBytes());
            addIf(perContainer, "corral_container_disk_used_bytes", labels, s.hasDiskUsedBytes(), s.getDiskUsedBytes());
            addIf(perContainer, "corral_container_disk_limit_bytes", labels, s.hasDiskLimitBytes(), s.getDiskLimitBytes());
        }
        for (String[] f : families) {
            header(out, f[0], f[1], f[2]);
            perContainer.get(f[0]).forEach(line -> out.append(line).append('\n'));
        }
        Map<String, Object> snapshot = metricsSnapshot();
        header(out, "corral_containers", "gauge", "Containers the agent knows, by state.");
        out.append("corral_containers{state=\"running\"} ").append(snapshot.get("corral/containers_running")).append('\n');
        out.append("corral_containers{state=\"terminated\"} ").append(snapshot.get("corral/containers_terminated")).append('\n');
        header(out, "corral_container_launches_total", "counter", "Container launches attempted.");
        out.append("corral_container_launches_total ").append(m.launches.sum()).append('\n');
        header(out, "corral_container_launch_failures_total", "counter", "Container launches that failed.");
        out.append("corral_container_launch_failures_total ").append(m.launchFailures.sum()).append('\n');
        header(out, "corral_container_terminations_total", "counter", "Containers that ended, by final state.");
        out.append("corral_container_terminations_total{state=\"TASK_FINISHED\"} ").append(m.finished.sum()).append('\n');
        out.append("corral_container_terminations_total{state=\"TASK_FAILED\"} ").append(m.failed.sum()).append('\n');
        out.append("corral_container_terminations_total{state=\"TASK_KILLED\"} ").append(m.killed.sum()).append('\n');
        header(out, "corral_container_limitations_total", "counter", "Containers stopped by a limitation, by reason.");
        m.limitations().forEach((reason, count) -> out.append("corral_container_limitations_total{reason=\"")
                .append(escape(reason)).append("\"} ").append(count).append('\n'));
        header(out, "corral_container_launch_duration_seconds", "histogram", "Time from launch call to running task.");
        long[] buckets = m.launchBuckets();
        for (int i = 0; i < buckets.length; i++) {
            out.append("corral_container_launch_duration_seconds_bucket{le=\"").append(AgentMetrics.LAUNCH_BUCKETS[i])
                    .append("\"} ").append(buckets[i]).append('\n');
        }
        out.append("corral_container_launch_duration_seconds_bucket{le=\"+Inf\"} ").append(m.launchCount()).append('\n');
        out.append("corral_container_launch_duration_seconds_sum ").append(m.launchSeconds()).append('\n');
        out.append("corral_container_launch_duration_seconds_count ").append(m.launchCount()).append('\n');
        header(out, "corral_agent_uptime_seconds", "gauge", "Seconds since the agent started.");
        out.append("corral_agent_uptime_seconds ").append(m.uptimeSeconds()).append('\n');
        return out.toString();
    }

    private static void addIf(Map<String, List<String>> families, String name, String labels, boolean present, double value) {
        if (present) {
            families.get(name).add(name + labels + " " + value);
        }
    }

    private static void addIf(Map<String, List<String>> families, String name, String labels, boolean present, long value) {
        if (present) {
            families.get(name).add(name + labels + " " + Long.toUnsignedString(value));
        }
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
