package corral.agent.checkpoint;

import corral.agent.containerizer.ContainerizerSettings;
import corral.agent.discovery.PlannedIsolator;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The agent's recovery at start-up, in Mesos's order: read the checkpoints; find orphans (checkpoints
 * of interrupted launches or unreadable checkpoints, and container cgroups under
 * {@code --cgroups_root} that no checkpoint knows); call every isolator's
 * {@code recover(states, orphans)}; destroy the orphans (kill their processes, remove their cgroups,
 * {@code cleanup} on every isolator in reverse order, detach their mounts, remove their runtime
 * directories). The containers to keep are returned for the containerizer to re-adopt.
 *
 * <p>A bad checkpoint never stops the agent: it is reported and destroyed as an orphan. An isolator
 * whose {@code recover} fails does, as in Mesos ({@code Failed to perform recovery: ...}).
 */
public final class Recovery {

    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

    /**
     * @param containers the containers to re-adopt ({@code RUNNING}, {@code EXITED}) or to remember
     *     ({@code TERMINATED})
     * @param orphans the ids of the orphans that were destroyed
     * @param problems what was wrong (unreadable checkpoints, leftovers that could not be removed),
     *     one sentence each
     */
    public record Result(List<RecoveredContainer> containers, List<String> orphans, List<String> problems) {
        /** Copies the lists. */
        public Result {
            containers = List.copyOf(containers);
            orphans = List.copyOf(orphans);
            problems = List.copyOf(problems);
        }
    }

    /** An isolator's {@code recover} failed: the agent must not start. */
    public static final class RecoveryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message Mesos's wording: {@code Failed to perform recovery: <reason>}
         * @param cause the isolator's failure
         */
        public RecoveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final CheckpointLayout layout;
    private final Path workDir;
    private final String cgroupsRoot;
    private final List<PlannedIsolator> isolators;
    private final HostLeftovers host;

    /**
     * @param layout where checkpoints are
     * @param workDir the agent's {@code --work_dir} (sandboxes are under {@code sandboxes/})
     * @param cgroupsRoot the {@code --cgroups_root} name
     * @param isolators the agent's isolators, in order
     * @param host how to find and remove host leftovers
     */
    public Recovery(CheckpointLayout layout, Path workDir, String cgroupsRoot, List<PlannedIsolator> isolators,
            HostLeftovers host) {
        this.layout = layout;
        this.workDir = workDir;
        this.cgroupsRoot = cgroupsRoot;
        this.isolators = List.copyOf(isolators);
        this.host = host;
    }

    /**
     * @return what was recovered
     * @throws RecoveryException when an isolator's {@code recover} fails
     * @throws IOException when the checkpoint directory cannot be listed
     */
    public Result recover() throws IOException {
        CheckpointScan.Result scan = CheckpointScan.scan(layout);
        List<String> problems = new ArrayList<>(scan.problems());
        problems.forEach(p -> LOG.log(Level.WARNING, p));

        Set<String> kept = scan.containers().stream().map(c -> c.containerId().getValue())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> orphans = new LinkedHashSet<>(scan.orphans());
        for (String cgroup : host.containerCgroups(cgroupsRoot)) {
            if (!kept.contains(cgroup) && orphans.add(cgroup)) {
                LOG.log(Level.INFO, "cgroup " + cgroup + " under " + cgroupsRoot + " belongs to no known container;"
                        + " destroying it as an orphan");
            }
        }
        Set<ContainerID> orphanIds = orphans.stream().map(o -> ContainerID.newBuilder().setValue(o).build())
                .collect(Collectors.toCollection(LinkedHashSet::new));

        List<RecoveredContainer> live = scan.containers().stream()
                .filter(c -> c.kind() != RecoveredContainer.Kind.TERMINATED).toList();
        for (PlannedIsolator planned : isolators) {
            Isolator isolator = planned.isolator();
            // every top-level container, as the containerizer prepares every isolator for each one
            List<ContainerState> states = live.stream().map(RecoveredContainer::state).toList();
            try {
                isolator.recover(states, Set.copyOf(orphanIds));
            } catch (RuntimeException e) {
                throw new RecoveryException("Failed to perform recovery: " + planned.id() + ": " + e.getMessage(), e);
            }
        }

        for (ContainerID orphan : orphanIds) {
            problems.addAll(destroyOrphan(orphan));
        }
        return new Result(scan.containers(), List.copyOf(orphans), problems);
    }

    private List<String> destroyOrphan(ContainerID orphan) {
        String id = orphan.getValue();
        List<String> problems = new ArrayList<>();
        boolean validId = CheckpointLayout.idProblem(id) == null;
        Path runtime = layout.containersDir().resolve(id);
        // an interrupted launch may have started a process before its checkpoint was complete
        Path pidFile = runtime.resolve(CheckpointLayout.PID);
        if (validId && Files.exists(pidFile)) {
            try {
                ProcessIdentity p = ProcessIdentity.parse(Files.readString(pidFile, StandardCharsets.US_ASCII));
                Signals.send(p, Signals.SIGKILL);
            } catch (IOException | RuntimeException e) {
                // an unreadable pid file: the cgroup (when there is one) still catches the process
            }
        }
        problems.addAll(host.destroyCgroups(cgroupsRoot, id));
        for (int i = isolators.size() - 1; i >= 0; i--) {
            PlannedIsolator planned = isolators.get(i);
            try {
                planned.isolator().cleanup(orphan);
            } catch (RuntimeException e) {
                problems.add("cleanup of orphan container " + id + " by " + planned.id() + " failed: " + e.getMessage());
            }
        }
        List<Path> roots = new ArrayList<>();
        roots.add(runtime);
        if (validId) {
            roots.add(ContainerizerSettings.sandbox(workDir, id));
        }
        problems.addAll(host.unmountUnder(roots));
        try {
            FileTrees.delete(runtime);
        } catch (IOException e) {
            problems.add("remove " + runtime + ": " + e);
        }
        problems.forEach(p -> LOG.log(Level.WARNING, p));
        LOG.log(Level.INFO, "destroyed orphan container " + id);
        return problems;
    }
}
