package corral.agent.launcher.posix;

import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.UserDatabase;
import corral.agent.launcher.LaunchedContainer;
import corral.agent.launcher.Launcher;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Mesos's {@code posix} (subprocess) launcher: no namespaces, works without root.
 *
 * <p>The container's first process is started with {@link ProcessBuilder} as
 * {@code setsid /bin/sh -c 'read -r _ || exit 1; exec "$@" </dev/null' sh ARGV...}: it leads a new
 * session (so its processes can be found and killed), waits on a pipe from the agent until every
 * isolator has isolated it, then execs the task, keeping its pid. Closing the pipe without a newline
 * aborts it. Nothing of the agent's environment is inherited.
 *
 * <p>Known wart, measured: without native code the task inherits the JDK's signal state, SIGQUIT
 * blocked when launched from a JVM thread that blocks it, and the glibc-internal signals 32 and 33
 * ignored ({@code SigBlk 0x4}, {@code SigIgn 0x180000000} in {@code /proc/<pid>/status}). The
 * linux launcher resets both through {@code posix_spawn} attributes.
 */
public final class PosixLauncher implements Launcher {

    static final String HOLD_SCRIPT = "read -r _ || exit 1; exec \"$@\" </dev/null";

    private static final String SETSID = Signals.firstExisting("/usr/bin/setsid", "/bin/setsid");
    private static final String SETPRIV = Signals.firstExisting("/usr/bin/setpriv", "/bin/setpriv");

    private final ContainerKiller killer;

    /** A launcher that finds a container's processes by session. */
    public PosixLauncher() {
        this(new SessionKiller());
    }

    /** @param killer how the container's processes are found and signalled */
    public PosixLauncher(ContainerKiller killer) {
        this.killer = killer;
    }

    @Override
    public LaunchedContainer launch(LaunchSpec spec) throws LaunchException {
        refuseUnsupported(spec.launchInfo());
        if (spec.argv().isEmpty() || spec.argv().get(0).isEmpty()) {
            throw new LaunchException("The command of container " + spec.containerId().getValue() + " is empty");
        }
        if (SETSID == null) {
            throw new LaunchException("The posix launcher needs setsid(1) from util-linux, which was not found");
        }
        List<String> command = new ArrayList<>();
        command.add(SETSID);
        command.addAll(switchUser(spec.user()));
        command.add("/bin/sh");
        command.add("-c");
        command.add(HOLD_SCRIPT);
        command.add("sh");
        command.addAll(spec.argv());

        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        builder.directory(spec.workingDirectory().toFile());
        builder.redirectOutput(ProcessBuilder.Redirect.to(spec.stdout().toFile()));
        builder.redirectError(ProcessBuilder.Redirect.to(spec.stderr().toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            Files.createDirectories(spec.workingDirectory());
            return new PosixContainer(builder.start(), killer);
        } catch (IOException e) {
            throw new LaunchException("Failed to fork the container's first process (working directory '"
                    + spec.workingDirectory() + "'): " + e.getMessage(), e);
        }
    }

    private static void refuseUnsupported(ContainerLaunchInfo info) throws LaunchException {
        if (info.getCloneNamespacesCount() > 0) {
            throw new LaunchException("Subprocess launcher does not support cloning namespaces");
        }
        if (info.getEnterNamespacesCount() > 0) {
            throw new LaunchException("Subprocess launcher does not support entering namespaces");
        }
        if (info.getMountsCount() > 0) {
            throw new LaunchException("Mounts are not supported if the mount namespace is not cloned");
        }
        List<String> unsupported = new ArrayList<>();
        if (info.hasRootfs()) {
            unsupported.add("rootfs");
        }
        if (info.hasEffectiveCapabilities() || info.hasBoundingCapabilities()) {
            unsupported.add("capabilities");
        }
        if (info.hasRlimits()) {
            unsupported.add("rlimits");
        }
        if (info.hasTtySlavePath()) {
            unsupported.add("tty");
        }
        if (info.getPreExecCommandsCount() > 0) {
            unsupported.add("pre_exec_commands");
        }
        if (info.getMaskedPathsCount() > 0) {
            unsupported.add("masked_paths");
        }
        if (info.getSupplementaryGroupsCount() > 0) {
            unsupported.add("supplementary_groups");
        }
        if (!unsupported.isEmpty()) {
            throw new LaunchException("The posix launcher does not support " + String.join(", ", unsupported)
                    + "; they need the linux launcher");
        }
    }

    private static List<String> switchUser(String user) throws LaunchException {
        if (user == null || user.isEmpty() || user.equals(System.getProperty("user.name"))) {
            return List.of();
        }
        if (!"root".equals(System.getProperty("user.name")) || SETPRIV == null) {
            throw new LaunchException("Cannot run the task as user '" + user
                    + "': the agent does not run as root (it runs as '" + System.getProperty("user.name") + "')");
        }
        UserDatabase.User found = UserDatabase.host().find(user);
        return List.of(SETPRIV, "--reuid=" + found.uid(), "--regid=" + found.gid(),
                found.listed() ? "--init-groups" : "--clear-groups", "--");
    }
}
