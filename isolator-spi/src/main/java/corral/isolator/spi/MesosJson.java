package corral.isolator.spi;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/**
 * Protobuf messages (and documents around them) as Mesos writes them in JSON: original snake_case
 * field names, enums by name, 64-bit integers as numbers. Parsing accepts snake_case and lowerCamel
 * names. Thread-safe.
 */
public final class MesosJson {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private MesosJson() {
    }

    /**
     * @param message any message, complete or not
     * @return its JSON on one line, as Mesos writes it: 64-bit integers as numbers, whole doubles
     *     without a fraction, enums by name, bytes in base64, unset fields left out
     */
    public static String print(MessageOrBuilder message) {
        return MesosJsonWriter.write(message);
    }

    /**
     * Writes a JSON document built from plain values, in Mesos's conventions.
     *
     * @param value a {@code Map} (insertion order is kept), {@code Collection}, {@code String},
     *     {@code Number}, {@code Boolean}, protobuf message or {@code null}, nested freely
     * @return its JSON on one line
     */
    public static String write(Object value) {
        return MesosJsonWriter.write(value);
    }

    /**
     * Parses JSON into a builder; accepts snake_case and lowerCamel names, enums by name or number.
     *
     * @param json the JSON text
     * @param builder the builder to merge into
     * @param <B> the builder type
     * @return the same builder
     * @throws IllegalArgumentException with the parser's reason when the JSON does not fit
     */
    public static <B extends Message.Builder> B parse(String json, B builder) {
        try {
            PARSER.merge(json, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
