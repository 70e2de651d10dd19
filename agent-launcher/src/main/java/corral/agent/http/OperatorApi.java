package corral.agent.http;

import corral.isolator.spi.MesosJson;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.UninitializedMessageException;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import corral.agent.checkpoint.CheckpointLayout;
import corral.agent.checkpoint.FinalStatuses;
import corral.agent.http.v1.Call;
import corral.agent.http.v1.Flag;
import corral.agent.http.v1.Metric;
import corral.agent.http.v1.Response;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /api/v1}: the Mesos v1 agent operator API calls Corral serves, with Mesos's status
 * codes and messages.
 */
final class OperatorApi {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final Agent agent;
    private final ReadEndpoints read;

    OperatorApi(Agent agent, ReadEndpoints read) {
        this.agent = agent;
        this.read = read;
    }

    /**
     * @param contentType the request's {@code Content-Type}
     * @param accept the request's {@code Accept}
     * @param body the request body
     * @return the answer, completing later for {@code WAIT_CONTAINER}
     * @throws HttpError for a bad request
     */
    CompletableFuture<Reply> handle(String contentType, String accept, byte[] body) throws HttpError {
        MediaType requestType = MediaType.ofContentType(contentType);
        MediaType responseType = MediaType.ofAccept(accept);
        Call call = parse(requestType, body);
        validate(call);
        return switch (call.getType()) {
            case GET_HEALTH -> done(responseType, Response.newBuilder().setType(Response.Type.GET_HEALTH)
                    .setGetHealth(Response.GetHealth.newBuilder().setHealthy(true)).build());
            case GET_FLAGS -> done(responseType, flags());
            case GET_VERSION -> done(responseType, Response.newBuilder().setType(Response.Type.GET_VERSION)
                    .setGetVersion(Response.GetVersion.newBuilder().setVersionInfo(agent.info().version())).build());
            case GET_METRICS -> done(responseType, metrics());
            case GET_CONTAINERS -> done(responseType, Response.newBuilder().setType(Response.Type.GET_CONTAINERS)
                    .setGetContainers(read.containers(call.getGetContainers().getShowStandalone())).build());
            case LAUNCH_CONTAINER -> launch(call.getLaunchContainer());
            case WAIT_CONTAINER -> waitContainer(responseType, call.getWaitContainer().getContainerId());
            case KILL_CONTAINER -> kill(call.getKillContainer());
            case REMOVE_CONTAINER -> remove(call.getRemoveContainer().getContainerId());
            default -> throw new HttpError(501, "Call type '" + call.getType() + "' is not implemented by Corral");
        };
    }

    private static Call parse(MediaType type, byte[] body) throws HttpError {
        Call.Builder call = Call.newBuilder();
        if (type == MediaType.PROTOBUF) {
            try {
                call.mergeFrom(body);
            } catch (InvalidProtocolBufferException e) {
                throw new HttpError(400, "Failed to parse body into Call protobuf: " + e.getMessage());
            }
            if (!call.hasType() && call.getUnknownFields().hasField(Call.TYPE_FIELD_NUMBER)) {
                throw new HttpError(400, "Failed to validate agent::Call: Unknown call type "
                        + call.getUnknownFields().getField(Call.TYPE_FIELD_NUMBER).getVarintList());
            }
            return call.buildPartial();
        }
        String json = new String(body, StandardCharsets.UTF_8);
        Struct.Builder tree = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(json, tree);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // the parser's text names its own exception class ("java.io.EOFException: End of input ..."): drop it
            throw new HttpError(400, "Failed to parse body into JSON: "
                    + String.valueOf(e.getMessage()).replaceFirst("^([a-z_$][\\w$]*\\.)+[A-Z][\\w$]*: ", ""));
        }
        Value typeValue = tree.getFieldsMap().get("type");
        if (typeValue != null && typeValue.hasStringValue()
                && Call.Type.getDescriptor().findValueByName(typeValue.getStringValue()) == null) {
            throw new HttpError(400, "Failed to convert JSON into Call protobuf: Unknown call type '"
                    + typeValue.getStringValue() + "'");
        }
        try {
            PARSER.merge(json, call);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            String missing = "Message missing required fields: ";
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UninitializedMessageException || String.valueOf(t.getMessage()).startsWith(missing)) {
                    // a nested message lacks a required field: name it with its path, as Mesos's validation does
                    String field = typeValue != null && typeValue.hasStringValue()
                            ? typeValue.getStringValue().toLowerCase(java.util.Locale.ROOT) + "." : "";
                    String fields = t.getMessage().substring(t.getMessage().indexOf(missing) + missing.length());
                    throw invalid("Expecting '" + field + fields + "' to be present");
                }
            }
            throw new HttpError(400, "Failed to convert JSON into Call protobuf: " + e.getMessage());
        }
        return call.buildPartial();
    }

    private static void validate(Call call) throws HttpError {
        if (!call.hasType() || call.getType() == Call.Type.UNKNOWN) {
            throw invalid("Expecting 'type' to be present");
        }
        switch (call.getType()) {
            case LAUNCH_CONTAINER -> {
                requirePresent(call.hasLaunchContainer(), "launch_container");
                requireInitialized(call.getLaunchContainer(), "launch_container");
                Call.LaunchContainer launch = call.getLaunchContainer();
                validateId(launch.getContainerId());
                if (!launch.hasCommand()) {
                    throw invalid("Expecting 'launch_container.command' to be present");
                }
                if (launch.hasContainer() && launch.getContainer().getType() != ContainerInfo.Type.MESOS) {
                    throw new HttpError(400, "The provided ContainerInfo is not supported: 'launch_container.container.type'"
                            + " is " + launch.getContainer().getType() + "; only MESOS is");
                }
                int identity = (launch.hasFrameworkId() ? 1 : 0) + (launch.hasExecutorId() ? 1 : 0)
                        + (launch.hasTaskId() ? 1 : 0);
                if (identity != 0 && identity != 3) {
                    throw invalid("'launch_container.framework_id', 'executor_id' and 'task_id' must be given"
                            + " together or not at all");
                }
                if (identity == 3 && launch.getFrameworkId().getValue().equals(Agent.STANDALONE)) {
                    throw invalid("'launch_container.framework_id' '" + Agent.STANDALONE
                            + "' is reserved for containers without task identity");
                }
            }
            case WAIT_CONTAINER -> {
                requirePresent(call.hasWaitContainer(), "wait_container");
                requireInitialized(call.getWaitContainer(), "wait_container");
            }
            case KILL_CONTAINER -> {
                requirePresent(call.hasKillContainer(), "kill_container");
                requireInitialized(call.getKillContainer(), "kill_container");
                int signal = call.getKillContainer().getSignal();
                if (call.getKillContainer().hasSignal() && (signal < 1 || signal > 64)) {
                    throw invalid("'kill_container.signal' " + signal + " is not a signal number (1 to 64)");
                }
            }
            case REMOVE_CONTAINER -> {
                requirePresent(call.hasRemoveContainer(), "remove_container");
                requireInitialized(call.getRemoveContainer(), "remove_container");
            }
            default -> {
            }
        }
    }

    private static void requirePresent(boolean present, String field) throws HttpError {
        if (!present) {
            throw invalid("Expecting '" + field + "' to be present");
        }
    }

    private static void requireInitialized(Message message, String field) throws HttpError {
        if (!message.isInitialized()) {
            throw invalid("Expecting '" + field + "." + message.findInitializationErrors().get(0) + "' to be present");
        }
    }

    private static void validateId(ContainerID id) throws HttpError {
        String problem = CheckpointLayout.idProblem(id.getValue());
        if (problem != null) {
            throw invalid(problem);
        }
        if (id.hasParent()) {
            throw invalid("'launch_container.container_id.parent' is set: nested containers are not supported");
        }
    }

    private static HttpError invalid(String message) {
        return new HttpError(400, "Failed to validate agent::Call: " + message);
    }

    private CompletableFuture<Reply> launch(Call.LaunchContainer launch) throws HttpError {
        try {
            return switch (agent.launch(launch)) {
                case LAUNCHED -> CompletableFuture.completedFuture(Reply.empty(200));
                case ALREADY_IN_USE -> CompletableFuture.completedFuture(Reply.empty(202));
            };
        } catch (Agent.LaunchFailedException e) {
            throw new HttpError(400, e.getMessage());
        }
    }

    private CompletableFuture<Reply> waitContainer(MediaType type, ContainerID id) throws HttpError {
        var wait = agent.wait(id).orElseThrow(() -> notFound(id));
        return wait.handle((status, error) -> {
            if (status == null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                return Reply.text(500, "Failed to wait for container " + id.getValue() + ": " + cause.getMessage());
            }
            return reply(type, Response.newBuilder().setType(Response.Type.WAIT_CONTAINER)
                    .setWaitContainer(FinalStatuses.toMessage(status)).build());
        });
    }

    private CompletableFuture<Reply> kill(Call.KillContainer kill) throws HttpError {
        int signal = kill.hasSignal() ? kill.getSignal() : 9;
        if (!agent.kill(kill.getContainerId(), signal)) {
            throw notFound(kill.getContainerId());
        }
        return CompletableFuture.completedFuture(Reply.empty(200));
    }

    private CompletableFuture<Reply> remove(ContainerID id) throws HttpError {
        return switch (agent.remove(id)) {
            case REMOVED -> CompletableFuture.completedFuture(Reply.empty(200));
            case UNKNOWN -> throw notFound(id);
            case RUNNING -> throw new HttpError(400, "Container " + id.getValue()
                    + " is still running; kill it and wait for it before removing it");
        };
    }

    private static HttpError notFound(ContainerID id) {
        return new HttpError(404, "Container " + id.getValue() + " cannot be found");
    }

    private Response flags() {
        Response.GetFlags.Builder flags = Response.GetFlags.newBuilder();
        new TreeMap<>(agent.info().flags()).forEach((k, v) -> flags.addFlags(Flag.newBuilder().setName(k).setValue(v)));
        return Response.newBuilder().setType(Response.Type.GET_FLAGS).setGetFlags(flags).build();
    }

    private Response metrics() {
        Response.GetMetrics.Builder metrics = Response.GetMetrics.newBuilder();
        for (Map.Entry<String, Object> e : read.metricsSnapshot().entrySet()) {
            if (e.getValue() instanceof Number n) {
                metrics.addMetrics(Metric.newBuilder().setName(e.getKey()).setValue(n.doubleValue()));
            }
        }
        return Response.newBuilder().setType(Response.Type.GET_METRICS).setGetMetrics(metrics).build();
    }

    private static CompletableFuture<Reply> done(MediaType type, Response response) {
        return CompletableFuture.completedFuture(reply(type, response));
    }

    static Reply reply(MediaType type, Message response) {
        if (type == MediaType.PROTOBUF) {
            return new Reply(200, MediaType.PROTOBUF.value, response.toByteArray(), Map.of());
        }
        return Reply.json(MesosJson.write(response));
    }
}
