package corral.agent.containerizer;

import corral.isolator.spi.mesos.ContainerID;

/** Container ids: Mesos's validation and printing. */
public final class ContainerIds {

    private static final int NAME_MAX = 255;

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
     * empty, not {@code .} or {@code ..}, at most 255 characters; the same for every parent.
     *
     * @param id a container id
     * @return the problem, naming {@code container_id} and the value, or {@code null} when valid
     */
    public static String problem(ContainerID id) {
        String value = id.getValue();
        String why = null;
        if (value.isEmpty()) {
            why = "it must not be empty";
        } else if (value.length() > NAME_MAX) {
            why = "it must not be longer than " + NAME_MAX + " characters";
        } else if (value.equals(".") || value.equals("..")) {
            why = "'.' and '..' are disallowed";
        } else if (!value.chars().allMatch(ContainerIds::allowed)) {
            why = "only letters, digits, '-', '_' and '.' are allowed";
        }
        if (why != null) {
            return "Invalid container_id '" + value + "': " + why;
        }
        return id.hasParent() ? problem(id.getParent()) : null;
    }

    private static boolean allowed(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.';
    }
}
