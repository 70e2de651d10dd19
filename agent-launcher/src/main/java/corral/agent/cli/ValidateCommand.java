package corral.agent.cli;

import com.typesafe.config.ConfigException;
import corral.agent.containerizer.ContainerizerSettings;
import corral.agent.discovery.IsolationSelector;
import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.http.HttpSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bin/agent validate [FLAGS]}: every startup check against this host, then the resolved,
 * ordered isolator plan. Creates the isolators (as startup does) but launches nothing.
 */
final class ValidateCommand extends BuiltinCommand {

    @Override
    public String name() {
        return "validate";
    }

    @Override
    public String summary() {
        return "run every startup check and print the resolved, ordered isolator plan (exit 1 if invalid)";
    }

    @Override
    int run(AgentInvocation invocation) {
        // the checks serve and run make before they start, so that validate never passes what they refuse
        List<String> problems = new ArrayList<>();
        try {
            ContainerizerSettings.from(invocation.config());
        } catch (ConfigException e) {
            problems.add(corral.agent.config.ConfigurationException.describe(e));
        }
        try {
            HttpSettings.from(invocation.config());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        IsolatorPlan plan;
        try {
            plan = invocation.createIsolators();
        } catch (StartupException e) {
            problems.addAll(e.problems());
            throw new StartupException(problems);
        }
        if (!problems.isEmpty()) {
            throw new StartupException(problems);
        }
        PrintStream out = invocation.out();
        out.println("Isolators, in prepare order (cleanup runs in reverse):");
        out.printf("  %-22s %-16s %-32s %-8s %s%n", "ISOLATOR", "VERSION", "MODULE", "ORIGIN", "DESCRIPTION");
        if (!plan.contains(IsolationSelector.DEFAULT_FILESYSTEM)
                && invocation.planner().select().isolation().contains(IsolationSelector.DEFAULT_FILESYSTEM)) {
            out.printf("  %-22s %-16s %-32s %-8s %s%n", IsolationSelector.DEFAULT_FILESYSTEM, "-", "-", "implicit",
                    "sandboxes are plain host directories (nothing to prepare)");
        }
        for (PlannedIsolator i : plan.isolators()) {
            out.printf("  %-22s %-16s %-32s %-8s %s%n", i.id(), i.version(), i.module(),
                    i.origin().name().toLowerCase(Locale.ROOT), i.description());
        }
        out.println("Configuration is valid.");
        return 0;
    }
}
