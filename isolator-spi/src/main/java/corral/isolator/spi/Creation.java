package corral.isolator.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link IsolatorProvider#create}: a ready isolator, or the reason it is unavailable.
 * Immutable and thread-safe.
 */
public final class Creation {

    private final Isolator isolator;
    private final String reason;

    private Creation(Isolator isolator, String reason) {
        this.isolator = isolator;
        this.reason = reason;
    }

    /**
     * @param isolator the created isolator, not {@code null}
     * @return a creation holding it
     */
    public static Creation ready(Isolator isolator) {
        return new Creation(Objects.requireNonNull(isolator, "isolator"), null);
    }

    /**
     * @param reason why the isolator cannot work here, as a sentence for operators; not blank
     * @return a creation holding the reason
     */
    public static Creation unavailable(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank");
        }
        return new Creation(null, reason);
    }

    /** @return the isolator, or empty when unavailable */
    public Optional<Isolator> isolator() {
        return Optional.ofNullable(isolator);
    }

    /** @return why the isolator is unavailable, or empty when it is ready */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public String toString() {
        return isolator != null ? "ready" : "unavailable: " + reason;
    }
}
