package corral.agent.cli;

import corral.agent.discovery.IsolatorPlan;
import corral.agent.discovery.Origin;
import corral.agent.discovery.PlannedIsolator;
import corral.agent.isolators.posix.PosixCpuProvider;
import corral.agent.isolators.posix.PosixMemProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link RunCommand} in a JVM of its own, as {@code bin/agent run} would, for tests that need a
 * separate agent process (another user, signals). Usage: {@code RunMain DIR [--flag=value...] -- CMD ARGS...}
 * with isolation {@code posix/cpu,posix/mem}.
 */
public final class RunMain {

    private RunMain() {
    }

    /** @param args the directory, task flags, {@code --} and the command */
    public static void main(String[] args) {
        Map<String, List<String>> flags = new HashMap<>();
        int i = 1;
        for (; i < args.length && !args[i].equals("--"); i++) {
            String flag = args[i].substring(2);
            int eq = flag.indexOf('=');
            flags.computeIfAbsent(flag.substring(0, eq), k -> new ArrayList<>()).add(flag.substring(eq + 1));
        }
        List<String> trailing = i < args.length ? Arrays.asList(args).subList(i + 1, args.length) : List.of();
        IsolatorPlan plan = new IsolatorPlan(List.of(
                new PlannedIsolator("posix/cpu", "0", "corral.agent", Origin.BUILTIN, "",
                        new PosixCpuProvider().create(null).isolator().orElseThrow()),
                new PlannedIsolator("posix/mem", "0", "corral.agent", Origin.BUILTIN, "",
                        new PosixMemProvider().create(null).isolator().orElseThrow())));
        TestInvocation invocation = new TestInvocation(Path.of(args[0]), plan, flags, trailing, System.out, System.err);
        System.exit(new RunCommand().run(invocation));
    }
}
