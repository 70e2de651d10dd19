package corral.agent.config;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import corral.isolator.spi.MesosValues;
import java.util.List;
import java.util.Optional;

/**
 * One agent flag: a leaf key {@code corral.<section>.<name>} of some module's {@code reference.conf}.
 *
 * @param name the flag name, such as {@code work_dir}
 * @param path the configuration path, such as {@code corral.agent.work_dir}
 * @param module the module whose {@code reference.conf} declares it
 * @param type how its values are parsed, told by the default's type
 * @param defaultValue the default as text, or empty for an optional flag ({@code key = null})
 * @param help the comment lines above the key, joined; possibly empty
 */
public record Flag(String name, String path, String module, Type type, Optional<String> defaultValue, String help) {

    /** How a flag's value is parsed. */
    public enum Type {
        /** {@code --name}, {@code --no-name}, {@code --name=true|false|1|0}. */
        BOOLEAN,
        /** A whole or decimal number. */
        NUMBER,
        /** A Mesos duration such as {@code 15secs} (the default is one). */
        DURATION,
        /** A Mesos size such as {@code 10MB} (the default is one). */
        BYTES,
        /** A comma-separated list (the default is a HOCON list). */
        LIST,
        /** A HOCON or JSON object (the default is an object). */
        OBJECT,
        /** Any text; also every optional flag. */
        STRING
    }

    /**
     * @param name the flag name
     * @param path its configuration path
     * @param module the declaring module
     * @param value its default in {@code reference.conf}
     * @return the flag, typed by its default
     */
    static Flag of(String name, String path, String module, ConfigValue value) {
        String help = String.join(" ", value.origin().comments().stream().map(String::strip).toList()).strip();
        Type type = typeOf(value);
        Optional<String> def = value.valueType() == ConfigValueType.NULL ? Optional.empty()
                : Optional.of(text(value));
        return new Flag(name, path, module, type, def, help);
    }

    private static Type typeOf(ConfigValue value) {
        switch (value.valueType()) {
            case BOOLEAN:
                return Type.BOOLEAN;
            case NUMBER:
                return Type.NUMBER;
            case LIST:
                return Type.LIST;
            case OBJECT:
                return Type.OBJECT;
            case STRING:
                String s = (String) value.unwrapped();
                if (parses(() -> MesosValues.parseDuration(s))) {
                    return Type.DURATION;
                }
                if (parses(() -> MesosValues.parseBytes(s))) {
                    return Type.BYTES;
                }
                return Type.STRING;
            default:
                return Type.STRING;
        }
    }

    private static boolean parses(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
    }

    /** @return a value as flag text: scalars as they are, lists comma-joined, objects as JSON */
    static String text(ConfigValue value) {
        switch (value.valueType()) {
            case LIST:
                return String.join(",", ((List<?>) value.unwrapped()).stream().map(String::valueOf).toList());
            case OBJECT:
                return value.render(com.typesafe.config.ConfigRenderOptions.concise());
            case NULL:
                return "";
            default:
                return String.valueOf(value.unwrapped());
        }
    }
}
