package corral.agent.cli;

import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;
import java.io.PrintStream;
import java.lang.module.ModuleDescriptor;
import java.util.Comparator;
import java.util.List;

/** {@code bin/agent version}: versions of the agent, the SPI and every isolator module, from their descriptors. */
final class VersionCommand extends BuiltinCommand {

    private static final String PROVIDER = IsolatorProvider.class.getName();

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the versions of the agent, the isolator SPI and every isolator module";
    }

    @Override
    boolean lenient() {
        return true;
    }

    @Override
    int run(AgentInvocation invocation) {
        PrintStream out = invocation.out();
        out.println("corral agent " + version(Cli.class.getModule()) + " (module " + Cli.class.getModule().getName()
                + ")");
        Module spi = IsolatorProvider.class.getModule();
        out.println("isolator SPI " + version(spi) + " (module " + spi.getName() + ", SPI major version "
                + Spi.MAJOR_VERSION + ")");
        List<Module> builtins = ModuleLayer.boot().modules().stream().filter(VersionCommand::providesIsolators)
                .sorted(Comparator.comparing(Module::getName)).toList();
        out.println("built-in isolator modules:");
        builtins.forEach(m -> out.println("  " + m.getName() + " " + version(m)));
        List<Module> plugins = invocation.catalog().pluginModules().stream()
                .sorted(Comparator.comparing(Module::getName)).toList();
        if (!plugins.isEmpty()) {
            out.println("plugin modules:");
            plugins.forEach(m -> out.println("  " + m.getName() + " " + version(m)));
        }
        return 0;
    }

    private static boolean providesIsolators(Module m) {
        ModuleDescriptor d = m.getDescriptor();
        return d != null && (d.provides().stream().anyMatch(p -> p.service().equals(PROVIDER))
                || m.getName().startsWith("corral.isolator.") && !m.getName().equals("corral.isolator.spi")
                && !m.getName().equals("corral.isolator.testkit"));
    }

    private static String version(Module m) {
        ModuleDescriptor d = m.getDescriptor();
        return d == null ? "unversioned" : d.rawVersion().orElse("unversioned");
    }
}
