package corral.agent.isolators.posix;

import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;

/** {@code posix/cpu}: reports the CPU time of a container's process tree; no isolation. */
public final class PosixCpuProvider implements IsolatorProvider {

    @Override
    public String id() {
        return "posix/cpu";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public Creation create(IsolatorContext context) {
        return Creation.ready(new PosixUsageIsolator(PosixUsageIsolator.Kind.CPU));
    }

    @Override
    public String description() {
        return "Reports the CPU time, processes and threads of the container's process tree (from /proc); no isolation.";
    }
}
