package corral.agent.http;

import corral.agent.containerizer.Containerizer;
import corral.agent.containerizer.FinalStatus;
import corral.agent.containerizer.LaunchRequest;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.ResourceStatistics;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The real containerizer, counting the launches that reach it. */
final class CountingContainerizer implements Containerizer {

    final AtomicInteger launches = new AtomicInteger();
    private final Containerizer delegate;

    CountingContainerizer(Containerizer delegate) {
        this.delegate = delegate;
    }

    @Override
    public void launch(LaunchRequest request) {
        launches.incrementAndGet();
        delegate.launch(request);
    }

    @Override
    public Optional<CompletableFuture<FinalStatus>> wait(ContainerID containerId) {
        return delegate.wait(containerId);
    }

    @Override
    public boolean kill(ContainerID containerId, int signal) {
        return delegate.kill(containerId, signal);
    }

    @Override
    public boolean destroy(ContainerID containerId) {
        return delegate.destroy(containerId);
    }

    @Override
    public boolean remove(ContainerID containerId) {
        return delegate.remove(containerId);
    }

    @Override
    public List<ContainerID> containers() {
        return delegate.containers();
    }

    @Override
    public Optional<ResourceStatistics> usage(ContainerID containerId) {
        return delegate.usage(containerId);
    }

    @Override
    public Optional<ContainerStatus> status(ContainerID containerId) {
        return delegate.status(containerId);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
