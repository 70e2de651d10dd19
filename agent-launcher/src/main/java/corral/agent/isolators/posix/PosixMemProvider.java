package corral.agent.isolators.posix;

import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.Spi;

/** {@code posix/mem}: reports the resident memory of a container's process tree; no isolation. */
public final class PosixMemProvider implements IsolatorProvider {

    @Override
    public String id() {
        return "posix/mem";
    }

    @Override
    public int spiVersion() {
        return Spi.MAJOR_VERSION;
    }

    @Override
    public Creation create(IsolatorContext context) {
        return Creation.ready(new PosixUsageIsolator(PosixUsageIsolator.Kind.MEM));
    }

    @Override
    public String description() {
        return "Reports the resident memory, processes and threads of the container's process tree (from /proc); no isolation.";
    }
}
