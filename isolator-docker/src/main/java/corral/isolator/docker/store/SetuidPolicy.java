package corral.isolator.docker.store;

import java.util.Locale;

/** What the store does with set-user-id and set-group-id files in image layers ({@code docker_layer_setuid}). */
public enum SetuidPolicy {
    /** Extract the bits as the image has them, as Docker and Mesos do. */
    KEEP,
    /** Extract the file without the bits. */
    STRIP,
    /** Refuse the layer. */
    REFUSE;

    /**
     * @param text {@code keep}, {@code strip} or {@code refuse}
     * @return the policy
     * @throws IllegalArgumentException naming the value
     */
    public static SetuidPolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("docker_layer_setuid must be 'keep', 'strip' or 'refuse', not '"
                    + text + "'");
        }
    }
}
