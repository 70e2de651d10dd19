package corral.agent.config;

import java.util.List;

/**
 * The configuration is invalid: unknown flags, bad values, an unreadable {@code --config} file,
 * two modules claiming one flag. Carries every problem found, one sentence each.
 */
public final class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems every problem found, each naming the flag (or file and line) and the value */
    public ConfigurationException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return every problem found */
    public List<String> problems() {
        return problems;
    }

    /**
     * @param e a bad value found while reading settings
     * @return its message without Typesafe Config's description of where the merged value came from
     *     ("merge of withValue(...),reference.conf of module ...: "), which names no file an operator wrote
     */
    public static String describe(com.typesafe.config.ConfigException e) {
        String message = e.getMessage();
        if (e.origin() != null && e.origin().filename() == null) {
            String prefix = e.origin().description() + ": ";
            if (message.startsWith(prefix)) {
                return message.substring(prefix.length());
            }
        }
        return message;
    }
}
