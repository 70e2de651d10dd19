package corral.agent.http;

import corral.isolator.spi.MesosJson;
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
    private volatile OperatorApi api;
    private volatile ReadEndpoints read;
    private final HttpServer server;
    private final ExecutorService executor;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Binds the server, so that a taken port is reported before anything else happens; it serves
     * after {@link #start(Agent)}.
     *
     * @param settings address, port and authentication
     * @throws IOException when the address cannot be bound
     */
    public AgentHttpServer(HttpSettings settings) throws IOException {
        this.settings = settings;
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

    /**
     * Binds and serves at once.
     *
     * @param settings address, port and authentication
     * @param agent the agent's containers
     * @throws IOException when the address cannot be bound
     */
    public AgentHttpServer(HttpSettings settings, Agent agent) throws IOException {
        this(settings);
        serve(agent);
    }

    private void serve(Agent agent) {
        this.read = new ReadEndpoints(agent);
        this.api = new OperatorApi(agent, read);
    }

    /** Starts serving the agent given to the constructor. */
    public void start() {
        server.start();
    }

    /**
     * Starts serving an agent.
     *
     * @param agent the agent's containers
     */
    public void start(Agent agent) {
        serve(agent);
        server.start();
    }

    /** @return the bound address (with the real port when {@code --port=0}) */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops accepting requests; open long polls are dropped. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
            case "/state" -> Reply.json(MesosJson.write(read.state()));
            case "/monitor/statistics" -> Reply.json(MesosJson.write(read.statistics()));
            case "/containers" -> Reply.json(MesosJson.write(read.containersJson(query(exchange.getRequestURI()))));
            case "/flags" -> Reply.json(MesosJson.write(read.flags()));
            case "/version" -> Reply.json(MesosJson.write(read.version()));
            case "/metrics/snapshot" -> Reply.json(MesosJson.write(read.metricsSnapshot()));
            case "/metrics" -> new Reply(200, "text/plain; version=0.0.4; charset=utf-8",
                    read.prometheus().getBytes(StandardCharsets.UTF_8), Map.of());
            default -> throw new HttpError(404, "No endpoint " + path);
        };
        return CompletableFuture.completedFuture(reply);
    }

    private static Map<String, String> query(java.net.URI uri) {
        Map<String, String> query = new java.util.TreeMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
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
