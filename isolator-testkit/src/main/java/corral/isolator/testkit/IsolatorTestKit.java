package corral.isolator.testkit;

import corral.isolator.spi.Creation;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds isolators by id through {@link ServiceLoader}, the way the agent does, and applies the
 * agent's acceptance rules (id syntax, SPI version, one provider per id). A test that gets its
 * provider here proves that the module declares it correctly:
 *
 * <pre>{@code
 * IsolatorProvider provider = IsolatorTestKit.provider("acme/audit");
 * Isolator isolator = IsolatorTestKit.create("acme/audit", TestContext.of(dir, Map.of(), "acme/audit"));
 * }</pre>
 *
 * <p>Works from a module's own tests on the module path as well as on the class path: this module
 * declares {@code uses}, so tests need no {@code addUses}. Thread-safe.
 */
public final class IsolatorTestKit {

    private IsolatorTestKit() {
    }

    /**
     * @return every provider visible to this module, instantiated
     */
    public static List<IsolatorProvider> providers() {
        return ServiceLoader.load(IsolatorProvider.class, IsolatorTestKit.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
    }

    /**
     * @param id an isolator id, such as {@code disk/xfs}
     * @return the one provider of that id
     * @throws AssertionError when none or several providers claim it, or the one found breaks the
     *     agent's rules (its id or SPI version); the message lists what was found
     */
    public static IsolatorProvider provider(String id) {
        List<IsolatorProvider> all = providers();
        List<IsolatorProvider> matching = all.stream().filter(p -> id.equals(p.id())).toList();
        if (matching.isEmpty()) {
            throw new AssertionError("No isolator provider with id '" + id + "' found by ServiceLoader (found: "
                    + all.stream().map(IsolatorProvider::id).sorted().collect(Collectors.joining(", "))
                    + "); does module-info.java say 'provides corral.isolator.spi.IsolatorProvider with ...'?");
        }
        if (matching.size() > 1) {
            throw new AssertionError("Isolator '" + id + "' is provided by more than one class: " + matching.stream()
                    .map(p -> p.getClass().getName() + " (module " + p.getClass().getModule().getName() + ")")
                    .collect(Collectors.joining(" and ")) + "; the agent refuses to start with both");
        }
        IsolatorProvider provider = matching.get(0);
        if (!IsolatorProvider.ID_PATTERN.matcher(id).matches()) {
            throw new AssertionError("Isolator id '" + id + "' does not match " + IsolatorProvider.ID_PATTERN
                    + "; the agent refuses it");
        }
        if (provider.spiVersion() > Spi.MAJOR_VERSION) {
            throw new AssertionError("Isolator '" + id + "' needs SPI major version " + provider.spiVersion()
                    + " but this SPI is " + Spi.MAJOR_VERSION + "; the agent refuses it");
        }
        return provider;
    }

    /**
     * Creates the isolator as the agent would at startup.
     *
     * @param id an isolator id
     * @param context its context, typically a {@link TestContext}
     * @return the created isolator
     * @throws AssertionError with the provider's reason when it is unavailable in that context
     */
    public static Isolator create(String id, IsolatorContext context) {
        Creation creation = provider(id).create(context);
        return creation.isolator().orElseThrow(() -> new AssertionError("Failed to create isolator '" + id + "': "
                + creation.unavailableReason().orElse("no reason given")));
    }

    /**
     * @param id an isolator id
     * @param context its context
     * @return why the isolator is unavailable in that context
     * @throws AssertionError when it is available
     */
    public static String unavailableReason(String id, IsolatorContext context) {
        Creation creation = provider(id).create(context);
        return creation.unavailableReason().orElseThrow(() -> new AssertionError("isolator '" + id
                + "' was created, but a reason it is unavailable was expected"));
    }
}
