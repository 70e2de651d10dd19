package corral.agent.cli;

import corral.agent.discovery.DiscoveredIsolator;
import corral.agent.discovery.IsolationSelector;
import corral.agent.discovery.IsolatorCatalog;
import corral.agent.discovery.IsolatorPlanner;
import corral.isolator.spi.Creation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code bin/agent isolators [--format=json]}: every isolator found, and whether it could be created
 * here with the current settings. Only real providers are listed.
 */
final class IsolatorsCommand extends BuiltinCommand {

    @Override
    public String name() {
        return "isolators";
    }

    @Override
    public String summary() {
        return "list every isolator found (built-in and plugins) and whether it is available here";
    }

    @Override
    public List<CommandFlag> commandFlags() {
        return List.of(new CommandFlag("format", false, "'text' (default) or 'json'"));
    }

    /** One row of the listing. */
    record Row(String name, String version, String module, String origin, boolean available, String reason) {
    }

    @Override
    int run(AgentInvocation invocation) {
        String format = invocation.commandFlags().getOrDefault("format", List.of("text")).get(0);
        if (!format.equals("json") && !format.equals("text")) {
            invocation.err().println("Failed to load flag 'format': Failed to load value '" + format
                    + "': expecting 'text' or 'json'");
            return Cli.INVALID;
        }
        List<Row> rows = rows(invocation);
        PrintStream out = invocation.out();
        if (format.equals("json")) {
            List<String> elements = new ArrayList<>();
            for (Row r : rows) {
                elements.add("{\"name\":" + Json.string(r.name()) + ",\"version\":" + Json.string(r.version())
                        + ",\"module\":" + Json.string(r.module()) + ",\"origin\":" + Json.string(r.origin())
                        + ",\"available\":" + r.available() + ",\"reason\":" + Json.string(r.reason()) + "}");
            }
            out.println("[" + String.join(",", elements) + "]");
        } else {
            out.printf("%-22s %-16s %-32s %-8s %s%n", "NAME", "VERSION", "MODULE", "ORIGIN", "AVAILABLE");
            for (Row r : rows) {
                out.printf("%-22s %-16s %-32s %-8s %s%n", r.name(), r.version(), r.module(), r.origin(),
                        r.available() ? "yes" : "no: " + r.reason());
            }
        }
        return 0;
    }

    private List<Row> rows(AgentInvocation invocation) {
        IsolatorCatalog catalog = invocation.catalog();
        IsolatorPlanner planner = invocation.planner();
        List<String> isolation = planner.select().isolation();
        List<Row> rows = new ArrayList<>();
        for (DiscoveredIsolator i : catalog.isolators().stream().sorted(IsolationSelector.listingOrder()).toList()) {
            String duplicate = catalog.duplicates().get(i.id());
            Optional<String> reason;
            if (duplicate != null) {
                reason = Optional.of(duplicate);
            } else {
                Creation creation = planner.create(i, isolation);
                reason = creation.unavailableReason();
            }
            rows.add(new Row(i.id(), i.version(), i.module(), i.origin().name().toLowerCase(Locale.ROOT),
                    reason.isEmpty(), reason.orElse(null)));
        }
        catalog.duplicates().values().forEach(d -> invocation.err().println(d));
        return rows;
    }
}
