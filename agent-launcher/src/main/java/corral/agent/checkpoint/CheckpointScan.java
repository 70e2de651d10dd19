package corral.agent.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import corral.agent.http.v1.Call;
import corral.agent.http.v1.Response;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads every container checkpoint under {@code <runtime_dir>/containers} and sorts them into
 * containers to recover and orphans to destroy. Never throws for a bad checkpoint: it is reported
 * in {@link Result#problems()} and its container becomes an orphan.
 */
public final class CheckpointScan {

    /**
     * @param containers containers to recover, sorted by id
     * @param orphans ids of checkpoint directories to destroy (interrupted launches, unreadable
     *     checkpoints), sorted
     * @param problems one sentence per unreadable checkpoint
     */
    public record Result(List<RecoveredContainer> containers, List<String> orphans, List<String> problems) {
        /** Copies the lists. */
        public Result {
            containers = List.copyOf(containers);
            orphans = List.copyOf(orphans);
            problems = List.copyOf(problems);
        }
    }

    private CheckpointScan() {
    }

    /**
     * @param layout where checkpoints are
     * @return what was found
     * @throws IOException when the containers directory exists but cannot be listed
     */
    public static Result scan(CheckpointLayout layout) throws IOException {
        List<RecoveredContainer> containers = new ArrayList<>();
        List<String> orphans = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Path root = layout.containersDir();
        if (!Files.isDirectory(root)) {
            return new Result(containers, orphans, problems);
        }
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        }
        for (String name : names) {
            Path dir = root.resolve(name);
            if (name.startsWith(".")) {
                continue; // temporary files of an interrupted atomic write
            }
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || CheckpointLayout.idProblem(name) != null) {
                problems.add("checkpoint " + dir + " is not a container directory; removing it as an orphan");
                orphans.add(name);
                continue;
            }
            try {
                Optional<RecoveredContainer> found = read(name, dir);
                if (found.isPresent()) {
                    containers.add(found.get());
                } else {
                    orphans.add(name); // the launch never got as far as starting a process
                }
            } catch (IOException | RuntimeException e) {
                problems.add("checkpoint of container " + name + " is unreadable (" + e.getMessage()
                        + "); destroying it as an orphan");
                orphans.add(name);
            }
        }
        return new Result(containers, orphans, problems);
    }

    private static Optional<RecoveredContainer> read(String name, Path dir) throws IOException {
        ContainerID id = ContainerID.newBuilder().setValue(name).build();
        Optional<Call.LaunchContainer> launch = readOptional(dir.resolve(CheckpointLayout.LAUNCH))
                .map(bytes -> parse(dir.resolve(CheckpointLayout.LAUNCH), () -> Call.LaunchContainer.parseFrom(bytes)));
        Path termination = dir.resolve(CheckpointLayout.TERMINATION);
        if (Files.exists(termination)) {
            byte[] bytes = Files.readAllBytes(termination);
            Response.WaitContainer message = parse(termination, () -> Response.WaitContainer.parseFrom(bytes));
            return Optional.of(new RecoveredContainer(id, RecoveredContainer.Kind.TERMINATED, launch, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(FinalStatuses.fromMessage(message))));
        }
        Path pidFile = dir.resolve(CheckpointLayout.PID);
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        ProcessIdentity process = ProcessIdentity.parse(Files.readString(pidFile, StandardCharsets.US_ASCII));
        Path configFile = dir.resolve(CheckpointLayout.CONFIG);
        if (!Files.exists(configFile)) {
            throw new IOException(configFile + " is missing");
        }
        byte[] configBytes = Files.readAllBytes(configFile);
        ContainerConfig config = parse(configFile, () -> ContainerConfig.parseFrom(configBytes));
        Optional<ContainerLaunchInfo> launchInfo = readOptional(dir.resolve(CheckpointLayout.LAUNCH_INFO))
                .map(bytes -> parse(dir.resolve(CheckpointLayout.LAUNCH_INFO), () -> ContainerLaunchInfo.parseFrom(bytes)));
        if (process.alive()) {
            return Optional.of(new RecoveredContainer(id, RecoveredContainer.Kind.RUNNING, launch, Optional.of(config),
                    launchInfo, Optional.of(process), Optional.empty(), Optional.empty()));
        }
        return Optional.of(new RecoveredContainer(id, RecoveredContainer.Kind.EXITED, launch, Optional.of(config),
                launchInfo, Optional.of(process), readExitStatus(dir.resolve(CheckpointLayout.STATUS)), Optional.empty()));
    }

    /**
     * Reads the task's exit status as the container's first process records it: the shell's
     * {@code $?} (the exit code, or 128+N for death by signal N; see the Linux launcher's
     * {@code Supervisor}), returned as the wait status a live agent sees from that init
     * ({@code $? << 8}), so that a recovered container reports what a watched one would.
     *
     * @param statusFile a container's {@code status} file
     * @return the wait status, or empty when the file is absent or empty (the container's first
     *     process was killed before it could write it)
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when the file does not hold an exit status
     */
    public static Optional<Integer> readExitStatus(Path statusFile) throws IOException {
        if (!Files.exists(statusFile)) {
            return Optional.empty();
        }
        long size = Files.size(statusFile);
        if (size > 16) { // a few digits; whatever else wrote to it, the agent does not read it whole
            throw new IllegalArgumentException(statusFile + " holds " + size + " bytes, not an exit status");
        }
        String text = Files.readString(statusFile, StandardCharsets.US_ASCII).trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            int code = Integer.parseInt(text);
            if (code < 0 || code > 255) {
                throw new IllegalArgumentException(statusFile + " holds '" + text + "', not an exit status");
            }
            return Optional.of(code << 8);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(statusFile + " holds '" + text + "', not an exit status", e);
        }
    }

    private static Optional<byte[]> readOptional(Path file) throws IOException {
        return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    private interface Parser<T> {
        T parse() throws InvalidProtocolBufferException;
    }

    private static <T> T parse(Path file, Parser<T> parser) {
        try {
            return parser.parse();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
