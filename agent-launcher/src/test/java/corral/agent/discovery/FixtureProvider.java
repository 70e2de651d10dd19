package corral.agent.discovery;

import corral.isolator.spi.Creation;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import java.util.ArrayList;
import java.util.List;

/** A provider for tests: ready unless given a reason; records the contexts it was created with. */
class FixtureProvider implements IsolatorProvider {

    private final String id;
    private final String unavailable;
    final List<IsolatorContext> contexts = new ArrayList<>();

    FixtureProvider(String id, String unavailable) {
        this.id = id;
        this.unavailable = unavailable;
    }

    static DiscoveredIsolator builtin(String id) {
        return discovered(new FixtureProvider(id, null), Origin.BUILTIN, "corral.fixture");
    }

    static DiscoveredIsolator plugin(String id, String module) {
        return discovered(new FixtureProvider(id, null), Origin.PLUGIN, module);
    }

    static DiscoveredIsolator discovered(FixtureProvider provider, Origin origin, String module) {
        return new DiscoveredIsolator(provider.id(), "1.2.3", module, origin, "fixture " + provider.id(),
                "/fixtures/" + module + ".jar", provider);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public Creation create(IsolatorContext context) {
        contexts.add(context);
        return unavailable == null ? Creation.ready(new Isolator() {
        }) : Creation.unavailable(unavailable);
    }
}
