package corral.agent.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP settings of {@code serve}, read once from {@code corral.agent}.
 *
 * @param ip the address to listen on ({@code --ip})
 * @param port the port to listen on ({@code --port}); 0 picks a free one
 * @param authenticate whether every endpoint but {@code /health} needs HTTP Basic credentials
 *     ({@code --authenticate_http_readwrite})
 * @param credentials principal to secret, from {@code --http_credentials}
 */
public record HttpSettings(String ip, int port, boolean authenticate, Map<String, String> credentials) {

    /** The largest request body accepted; larger ones get {@code 413 Request Entity Too Large}. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    /** Copies the credentials. */
    public HttpSettings {
        credentials = Map.copyOf(credentials);
    }

    /**
     * @param config the resolved configuration
     * @return the settings
     * @throws IllegalArgumentException naming the flag and value when a value is invalid
     */
    public static HttpSettings from(Config config) {
        Config agent = config.getConfig("corral.agent");
        String ip = agent.getString("ip");
        int port = agent.getInt("port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port=" + port + " is not a port number (0 to 65535)");
        }
        boolean authenticate = agent.getBoolean("authenticate_http_readwrite");
        Optional<String> file = agent.hasPath("http_credentials")
                ? Optional.of(agent.getString("http_credentials")).filter(s -> !s.isBlank()) : Optional.empty();
        Map<String, String> credentials = file.map(HttpSettings::readCredentials).orElse(Map.of());
        if (authenticate && credentials.isEmpty()) {
            throw new IllegalArgumentException("--authenticate_http_readwrite needs --http_credentials with at"
                    + " least one credential");
        }
        return new HttpSettings(ip, port, authenticate, credentials);
    }

    /**
     * Reads Mesos's credentials JSON: {@code {"credentials":[{"principal":"p","secret":"s"}]}}.
     *
     * @param flag the {@code --http_credentials} value: a path, or a {@code file://} URL
     * @return principal to secret
     */
    static Map<String, String> readCredentials(String flag) {
        Path path = Path.of(flag.startsWith("file://") ? flag.substring("file://".length()) : flag);
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--http_credentials=" + flag + ": cannot read " + path + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : e.toString()), e);
        }
        Struct.Builder json = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(text, json);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("--http_credentials=" + flag + ": not JSON: " + e.getMessage(), e);
        }
        Value list = json.getFieldsMap().get("credentials");
        if (list == null || !list.hasListValue()) {
            throw new IllegalArgumentException("--http_credentials=" + flag + ": expected {\"credentials\":[...]}");
        }
        Map<String, String> credentials = new LinkedHashMap<>();
        int i = 0;
        for (Value v : list.getListValue().getValuesList()) {
            Map<String, Value> fields = v.getStructValue().getFieldsMap();
            Value principal = fields.get("principal");
            Value secret = fields.get("secret");
            if (principal == null || secret == null || !principal.hasStringValue() || !secret.hasStringValue()
                    || principal.getStringValue().isEmpty()) {
                throw new IllegalArgumentException("--http_credentials=" + flag + ": credentials[" + i
                        + "] needs a string 'principal' and 'secret'");
            }
            credentials.put(principal.getStringValue(), secret.getStringValue());
            i++;
        }
        return credentials;
    }
}
