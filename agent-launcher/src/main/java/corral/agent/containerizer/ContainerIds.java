package corral.agent.containerizer;

import corral.isolator.spi.mesos.ContainerID;

/** Container ids: Mesos's validation and printing. */
public final class ContainerIds {

    /** The longest id value: it names directories and, with a short suffix, checkpoint files. */
    public static final int MAX_LENGTH = 242;

    private ContainerIds() {
    }

    /**
     * @param id a container id
     * @return Mesos's text for it: {@code parent.child} for nested containers
     */
    public static String toString(ContainerID id) {
        return id.hasParent() ? toString(id.getParent()) + "." + id.getValue() : id.getValue();
    }

    /**
     * Checks that an id can name a directory: Mesos's characters ({@code A-Z a-z 0-9 - _ .}), not
     * empty, not {@code .} or {@code ..}, at most {@link #MAX_LENGTH} characters; the same for every parent.
     *
     * @param id a container id
     * @return the problem, naming {@code container_id} and the value, or {@code null} when valid
     */
    public static String problem(ContainerID id) {
        String value = id.getValue();
        String why = null;
        if (value.isEmpty()) {
            why = "it must not be empty";
        } else if (value.length() > MAX_LENGTH) {
            why = "it must not be longer than " + MAX_LENGTH + " characters";
        } else if (value.equals(".") || value.equals("..")) {
            why = "'.' and '..' are disallowed";
        } else if (!hasOnlyAllowedCharacters(value)) {
            why = "only letters, digits, '-', '_' and '.' are allowed";
        }
        if (why != null) {
            return "Invalid container_id '" + value + "': " + why;
        }
        return id.hasParent() ? problem(id.getParent()) : null;
    }

    /**
     * @param value an id value
     * @return whether it holds only Mesos's characters ({@code A-Z a-z 0-9 - _ .})
     */
    public static boolean hasOnlyAllowedCharacters(String value) {
        return value.chars().allMatch(ContainerIds::allowed);
    }

    private static boolean allowed(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.';
    }
}
