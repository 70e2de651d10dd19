package corral.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's HTTP server: {@code POST /api/v1} and the read endpoints. Long-polling
 * {@code WAIT_CONTAINER} calls hold no thread while they wait.
 */
public final class AgentHttpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AgentHttpServer.class.getName());
    private static final String REALM = "mesos-agent-readwrite";
    private static final Set<String> READ_PATHS = Set.of("/state", "/monitor/statistics", "/containers", "/flags",
            "/health", "/version", "/metrics/snapshot", "/metrics");

    private final HttpSettings settings;
    private final OperatorApi api;
    private final ReadEndpoints read;
    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * Binds the server; it serves after {@link #start()}.
     *
     * @param settings address, port and authentication
     * @param agent the agent's containers
     * @throws IOException when the address cannot be bound
     */
    public AgentHttpServer(HttpSettings settings, Agent agent) throws IOException {
        this.settings = settings;
        this.read = new ReadEndpoints(agent);
        this.api = new OperatorApi(agent, read);
        this.server = HttpServer.create(new InetSocketAddress(settings.ip(), settings.port()), 128);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(2, 64, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "corral-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts serving. */
    public void start() {
        server.start();
    }

    /** @return the bound address (with the real port when {@code --port=0}) */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops accepting requests; open long polls are dropped. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try {
            CompletableFuture<Reply> reply;
            try {
                reply = route(exchange);
            } catch (HttpError e) {
                reply = CompletableFuture.completedFuture(Reply.of(e));
            }
            reply.whenComplete((r, error) -> {
                if (r == null) {
                    LOG.log(Level.ERROR, "request " + exchange.getRequestURI() + " failed", error);
                    r = Reply.text(500, String.valueOf(error));
                }
                send(exchange, r);
            });
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "request " + exchange.getRequestURI() + " failed", e);
            send(exchange, Reply.text(500, e.toString()));
        }
    }

    private CompletableFuture<Reply> route(HttpExchange exchange) throws HttpError {
        String path = exchange.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        boolean isApi = path.equals("/api/v1");
        if (!isApi && !READ_PATHS.contains(path)) {
            throw new HttpError(404, "No endpoint " + path);
        }
        if (settings.authenticate() && !path.equals("/health")) {
            authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        }
        String method = exchange.getRequestMethod();
        if (isApi) {
            if (!method.equals("POST")) {
                throw new HttpError(405, "Expecting one of { 'POST' }, but received '" + method + "'",
                        Map.of("Allow", "POST"));
            }
            byte[] body = readBody(exchange);
            return api.handle(exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Accept"), body);
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new HttpError(405, "Expecting one of { 'GET' }, but received '" + method + "'",
                    Map.of("Allow", "GET, HEAD"));
        }
        Reply reply = switch (path) {
            case "/health" -> Reply.empty(200);
            case "/state" -> Reply.json(Json.write(read.state()));
            case "/monitor/statistics" -> Reply.json(Json.write(read.statistics()));
            case "/containers" -> Reply.json(Json.write(read.containersJson()));
            case "/flags" -> Reply.json(Json.write(read.flags()));
            case "/version" -> Reply.json(Json.write(read.version()));
            case "/metrics/snapshot" -> Reply.json(Json.write(read.metricsSnapshot()));
            case "/metrics" -> new Reply(200, "text/plain; version=0.0.4; charset=utf-8",
                    read.prometheus().getBytes(StandardCharsets.UTF_8), Map.of());
            default -> throw new HttpError(404, "No endpoint " + path);
        };
        return CompletableFuture.completedFuture(reply);
    }

    private void authenticate(String authorization) throws HttpError {
        HttpError unauthorized = new HttpError(401, "Unauthorized",
                Map.of("WWW-Authenticate", "Basic realm=\"" + REALM + "\""));
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw unauthorized;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw unauthorized;
        }
        String secret = settings.credentials().get(decoded.substring(0, colon));
        byte[] given = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        if (secret == null || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), given)) {
            throw unauthorized;
        }
    }

    /** Beyond this, an oversized body is not even drained: the connection is dropped after the 413. */
    private static final long DRAIN_LIMIT = 64L << 20;

    private static byte[] readBody(HttpExchange exchange) throws HttpError {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new HttpError(400, "Bad 'Content-Length' '" + length + "'");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16384];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total <= HttpSettings.MAX_BODY_BYTES) {
                    out.write(buffer, 0, n);
                } else if (total > DRAIN_LIMIT) {
                    break;
                }
                // an oversized body is read to its end and dropped, so that the client sees the 413
                // instead of a connection reset while it is still sending
            }
            if (total > HttpSettings.MAX_BODY_BYTES) {
                throw new HttpError(413, "Request body is larger than " + HttpSettings.MAX_BODY_BYTES + " bytes",
                        Map.of("Connection", "close"));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new HttpError(400, "Failed to read the request body: " + e.getMessage());
        }
    }

    private static void send(HttpExchange exchange, Reply reply) {
        try {
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            if (reply.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (reply.body().length == 0 || head) {
                exchange.sendResponseHeaders(reply.status(), -1);
            } else {
                exchange.sendResponseHeaders(reply.status(), reply.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "client went away: " + e.getMessage());
        } finally {
            exchange.close();
        }
    }
}
