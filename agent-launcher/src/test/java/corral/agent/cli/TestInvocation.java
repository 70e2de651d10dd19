package corral.agent.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import corral.agent.discovery.IsolatorPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** An {@link Invocation} built by hand, with its output captured. */
final class TestInvocation implements Invocation {

    private final Config config;
    private final Map<String, List<String>> flags;
    private final List<String> trailing;
    private final IsolatorPlan plan;
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out;
    private final PrintStream err;

    TestInvocation(Path dir, IsolatorPlan plan, Map<String, List<String>> flags, List<String> trailing) {
        this(dir, plan, flags, trailing, null, null);
    }

    TestInvocation(Path dir, IsolatorPlan plan, Map<String, List<String>> flags, List<String> trailing,
            PrintStream out, PrintStream err) {
        this.out = out != null ? out : new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        this.err = err != null ? err : new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        this.config = ConfigFactory.parseMap(Map.of(
                        "corral.agent.work_dir", dir.resolve("work").toString(),
                        "corral.agent.runtime_dir", dir.resolve("run").toString(),
                        "corral.agent.executor_shutdown_grace_period", "1secs"))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        this.flags = flags;
        this.trailing = trailing;
        this.plan = plan;
    }

    @Override
    public Config config() {
        return config;
    }

    @Override
    public Map<String, List<String>> commandFlags() {
        return flags;
    }

    @Override
    public List<String> trailingArguments() {
        return trailing;
    }

    @Override
    public IsolatorPlan createIsolators() {
        return plan;
    }

    @Override
    public PrintStream out() {
        return out;
    }

    @Override
    public PrintStream err() {
        return err;
    }

    String outText() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String errText() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }
}
