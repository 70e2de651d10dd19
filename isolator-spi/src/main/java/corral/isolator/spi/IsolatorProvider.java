package corral.isolator.spi;

import java.util.regex.Pattern;

/**
 * The service an isolator module provides: a stable id and a factory.
 *
 * <p>Register an implementation with {@code provides corral.isolator.spi.IsolatorProvider with ...}
 * in {@code module-info.java}. Providers must be stateless and cheap to construct: the agent
 * instantiates every provider it finds to list them, and calls {@link #create} only for the ids
 * selected with {@code --isolation}. Implementations must be thread-safe.
 *
 * <p>A minimal provider:
 * <pre>{@code
 * public final class AuditProvider implements IsolatorProvider {
 *     public String id() { return "acme/audit"; }
 *     public int spiVersion() { return Spi.MAJOR_VERSION; }
 *     public Creation create(IsolatorContext context) { return Creation.ready(new AuditIsolator()); }
 * }
 * }</pre>
 */
public interface IsolatorProvider {

    /** What an id must look like: {@code category/name}, lower case, digits and underscores. */
    Pattern ID_PATTERN = Pattern.compile("[a-z0-9_]+/[a-z0-9_]+");

    /**
     * The stable id operators put in {@code --isolation}, such as {@code disk/xfs}. It must match
     * {@link #ID_PATTERN} and be unique among all providers the agent finds; the agent refuses to
     * start when two providers claim one id.
     *
     * @return the id, never {@code null}
     */
    String id();

    /**
     * The SPI major version this provider was compiled against. Implement it as
     * {@code return Spi.MAJOR_VERSION;}: the constant is inlined at compile time, which is the point.
     * A provider built against a newer major version than the agent's is refused.
     *
     * @return the compiled-against SPI major version
     */
    int spiVersion();

    /**
     * Checks this host and the settings, and creates the isolator, or says why it cannot.
     *
     * <p>Called at most once per agent start, before any container is launched, and only when the
     * operator selected this id. It must not throw for an expected condition (not root, a kernel
     * feature missing, a bad setting): return {@link Creation#unavailable(String)} with a sentence the
     * operator can act on. An exception is reported as a bug in the provider.
     *
     * @param context settings and host facts, never {@code null}
     * @return the created isolator, or the reason there is none; never {@code null}
     */
    Creation create(IsolatorContext context);

    /**
     * A one-line summary of what the isolator contributes to a container, shown by
     * {@code bin/agent validate} and {@code bin/agent isolators}.
     *
     * @return one capitalised sentence ending with a period (it is printed in a table), or empty;
     *     never {@code null}
     */
    default String description() {
        return "";
    }
}
