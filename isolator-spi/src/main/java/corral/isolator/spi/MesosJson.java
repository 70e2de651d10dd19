package corral.isolator.spi;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * Protobuf messages as Mesos writes them in JSON: original snake_case field names, enums by name.
 * Thread-safe.
 */
public final class MesosJson {

    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Printer PRETTY = JsonFormat.printer().preservingProtoFieldNames();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private MesosJson() {
    }

    /**
     * @param message any message, complete or not
     * @return its JSON on one line
     */
    public static String print(com.google.protobuf.MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("cannot print " + message.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param message any message, complete or not
     * @return its JSON, indented for people
     */
    public static String printPretty(com.google.protobuf.MessageOrBuilder message) {
        try {
            return PRETTY.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("cannot print " + message.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
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
