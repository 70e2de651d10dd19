package corral.agent.launcher.linux;

import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.UserDatabase;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.MountFlags;
import corral.isolator.spi.mesos.CapabilityInfo;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the launcher thread does and spawns for one container, checked and resolved from a
 * {@link LaunchSpec} before anything is created. Immutable.
 *
 * @param cloneFlags the {@code CLONE_NEW*} flags the launcher thread unshares (a pid namespace
 *     brings a mount namespace)
 * @param mounts the mounts to make in the new mount namespace, in order
 * @param executable the program to spawn
 * @param argv its arguments, argv[0] included
 * @param environment its environment, {@code NAME=value}
 * @param rootfs how the task enters its root filesystem, or {@code null} when it has none
 * @param mountsAfterProc with a pid namespace and a root filesystem, the mounts below its
 *     {@code /proc}, made once {@code unshare --mount-proc} has mounted it (just before the pivot)
 * @param maskedPaths paths inside the root filesystem to cover before the pivot (an empty
 *     read-only tmpfs on a directory, {@code /dev/null} on anything else), when they exist
 */
record ContainerProgram(int cloneFlags, List<ContainerMountInfo> mounts, String executable, List<String> argv,
        List<String> environment, RootfsEntry rootfs, List<ContainerMountInfo> mountsAfterProc,
        List<String> maskedPaths) {

    static final String UNSHARE = "/usr/bin/unshare";
    static final String SETPRIV = "/usr/bin/setpriv";
    static final String ENV = "/usr/bin/env";
    static final String SH = "/bin/sh";
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static final int SUPPORTED_CLONE_FLAGS = LinuxNamespaces.CLONE_NEWNS | LinuxNamespaces.CLONE_NEWPID
            | LinuxNamespaces.CLONE_NEWUTS | LinuxNamespaces.CLONE_NEWIPC | LinuxNamespaces.CLONE_NEWNET
            | LinuxNamespaces.CLONE_NEWCGROUP;

    /** @return whether the container gets its own pid namespace, with the supervisor as PID 1 */
    boolean pidNamespace() {
        return (cloneFlags & LinuxNamespaces.CLONE_NEWPID) != 0;
    }

    /** @return whether the container gets its own mount namespace */
    boolean mountNamespace() {
        return (cloneFlags & LinuxNamespaces.CLONE_NEWNS) != 0;
    }

    /**
     * @param spec the launch
     * @param hostUsers the host's user database, used only when a user must be looked up on the host
     * @return the program
     * @throws LaunchException naming the field and value at fault
     */
    static ContainerProgram of(LaunchSpec spec, Supplier<UserDatabase> hostUsers) throws LaunchException {
        ContainerLaunchInfo info = spec.launchInfo();
        if (spec.argv().isEmpty() || spec.argv().get(0).isEmpty()) {
            throw new LaunchException("Invalid command: 'argv' is empty; a container needs a command to run");
        }
        if (info.getEnterNamespacesCount() > 0) {
            throw new LaunchException("Invalid launch info: 'enter_namespaces' " + info.getEnterNamespacesList()
                    + " is not supported by the linux launcher yet");
        }
        int flags = 0;
        for (int flag : info.getCloneNamespacesList()) {
            if ((flag & ~SUPPORTED_CLONE_FLAGS) != 0 || flag == 0) {
                throw new LaunchException("Invalid launch info: 'clone_namespaces' value 0x" + Integer.toHexString(flag)
                        + " is not supported (CLONE_NEWUSER cannot be unshared by a multithreaded agent)");
            }
            flags |= flag;
        }
        if ((flags & LinuxNamespaces.CLONE_NEWPID) != 0) {
            flags |= LinuxNamespaces.CLONE_NEWNS; // the fresh /proc needs its own mount namespace
        }
        RootfsEntry rootfs = info.hasRootfs() ? RootfsEntry.of(spec, flags) : null;
        // inside an image the user is the image's (as Mesos resolves it after entering the root)
        String user = spec.user() == null || spec.user().isEmpty() || "root".equals(spec.user())
                || "0".equals(spec.user()) ? null : spec.user();
        UserDatabase users = user == null ? null : rootfs == null ? hostUsers.get() : UserDatabase.image(rootfs.rootfs());
        List<String> setpriv = setpriv(info, user, users);
        List<ContainerMountInfo> mounts = new ArrayList<>();
        List<ContainerMountInfo> mountsAfterProc = new ArrayList<>();
        for (ContainerMountInfo mount : info.getMountsList()) {
            if ((flags & LinuxNamespaces.CLONE_NEWNS) == 0) {
                throw new LaunchException("Mounts are not supported if the mount namespace is not cloned");
            }
            if ((isPidNamespaceProc(mount) || rootfs != null && RootfsEntry.isProcInside(mount, rootfs.rootfs()))
                    && (flags & LinuxNamespaces.CLONE_NEWPID) != 0) {
                continue; // made by unshare --mount-proc in the new pid namespace
            }
            checkMount(mount, rootfs);
            if (rootfs != null && Path.of(mount.getTarget()).normalize().equals(rootfs.rootfs())
                    && !RootfsEntry.isSelfBind(rootfs.rootfs(), mount)) {
                throw new LaunchException("Invalid mount target '" + mount.getTarget() + "': it is the root filesystem"
                        + " itself, which only its own bind may be mounted on");
            }
            boolean belowProc = rootfs != null && rootfs.procTarget() != null && (flags & LinuxNamespaces.CLONE_NEWPID) != 0
                    && Path.of(mount.getTarget()).startsWith(rootfs.procTarget())
                    && !Path.of(mount.getTarget()).equals(Path.of(rootfs.procTarget()));
            (belowProc ? mountsAfterProc : mounts).add(mount);
        }
        for (String masked : info.getMaskedPathsList()) {
            if (rootfs == null) {
                throw new LaunchException("Invalid launch info: 'masked_paths' ('" + masked
                        + "') need a 'rootfs' on the linux launcher");
            }
            if (!masked.startsWith("/") || hasDotComponent(masked)) {
                throw new LaunchException("Invalid launch info: masked path '" + masked
                        + "' must be an absolute path without '.' or '..' components");
            }
        }
        checkFile("stdout", spec.stdout());
        checkFile("stderr", spec.stderr());
        if (spec.exitStatusFile() != null) {
            checkFile("exitStatusFile", spec.exitStatusFile());
        }
        if (rootfs == null) {
            // with a root filesystem both are resolved inside the image (RootfsEntry)
            if (spec.workingDirectory() != null && !Files.isDirectory(spec.workingDirectory())) {
                throw new LaunchException("Invalid working directory '" + spec.workingDirectory()
                        + "': no such directory");
            }
            checkCommand(spec, mounts);
        }

        List<String> task = new ArrayList<>();
        if (!setpriv.isEmpty()) {
            task.add(SETPRIV);
            task.addAll(setpriv);
            task.add("--");
        }
        task.addAll(rootfs == null ? spec.argv() : rootfs.enter(spec.argv()));

        // The supervisor is the task's parent in every container, as Mesos's launch helper is: it
        // forwards signals, reaps, and records the exit status for an agent that restarts.
        List<String> argv = new ArrayList<>();
        String executable;
        if ((flags & LinuxNamespaces.CLONE_NEWPID) != 0) {
            executable = UNSHARE;
            String mountProc = rootfs != null && rootfs.procTarget() != null
                    ? "--mount-proc=" + rootfs.procTarget() : "--mount-proc";
            argv.addAll(List.of(UNSHARE, mountProc, "--propagation", "unchanged", "--"));
        } else {
            executable = SH;
        }
        argv.addAll(List.of(SH, "-c", rootfs == null ? Supervisor.INIT : Supervisor.INIT_IN_ROOTFS, "sh",
                spec.exitStatusFile() == null ? "" : spec.exitStatusFile().toString()));
        // a background job of a non-interactive shell ignores SIGINT and SIGQUIT: undo that
        argv.addAll(List.of(ENV, "--default-signal", "--"));
        if (task.get(0).contains("=")) {
            throw new LaunchException("Invalid command '" + spec.argv().get(0) + "': argv[0] must not contain '='");
        }
        argv.addAll(task);
        List<String> environment = spec.environment().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.toList());
        return new ContainerProgram(flags, List.copyOf(mounts), executable, List.copyOf(argv), List.copyOf(environment),
                rootfs, List.copyOf(mountsAfterProc), List.copyOf(info.getMaskedPathsList()));
    }

    static boolean isPidNamespaceProc(ContainerMountInfo mount) {
        return "/proc".equals(mount.getTarget()) && "proc".equals(mount.getType());
    }

    private static void checkMount(ContainerMountInfo mount, RootfsEntry rootfs) throws LaunchException {
        String target = mount.getTarget();
        if (!target.startsWith("/") || hasDotComponent(target)) {
            throw new LaunchException("Invalid mount target '" + target
                    + "': it must be an absolute path without '.' or '..' components");
        }
        boolean inRootfs = rootfs != null && rootfs.contains(target);
        if (!inRootfs && !Files.exists(Path.of(target))) {
            throw new LaunchException("Invalid mount target '" + target + "': no such file or directory");
        }
        // a remount (Mesos's way to make a bind read-only) changes an existing mount: no source
        if ((mount.getFlags() & MountFlags.MS_BIND) != 0 && (mount.getFlags() & MountFlags.MS_REMOUNT) == 0) {
            String source = mount.getSource();
            if (!source.startsWith("/") || hasDotComponent(source)) {
                throw new LaunchException("Invalid mount source '" + source + "' for target '" + target
                        + "': it must be an absolute path without '.' or '..' components");
            }
            if (!(rootfs != null && rootfs.contains(source)) && !Files.exists(Path.of(source))) {
                throw new LaunchException("Invalid mount source '" + source + "' for target '" + target
                        + "': no such file or directory");
            }
        }
    }

    static boolean hasDotComponent(String path) {
        for (String part : path.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static void checkFile(String field, Path file) throws LaunchException {
        if (file == null || !file.isAbsolute() || file.getParent() == null || !Files.isDirectory(file.getParent())) {
            throw new LaunchException("Invalid " + field + " file '" + file + "': its directory does not exist");
        }
    }

    /** Checks the command on the host's view, unless a mount may change what the container sees. */
    private static void checkCommand(LaunchSpec spec, List<ContainerMountInfo> mounts) throws LaunchException {
        String command = spec.argv().get(0);
        List<Path> candidates = new ArrayList<>();
        if (command.contains("/")) {
            Path base = spec.workingDirectory() != null ? spec.workingDirectory() : spec.sandbox();
            candidates.add(base == null ? Path.of(command) : base.resolve(command));
        } else {
            String path = spec.environment().getOrDefault("PATH", DEFAULT_PATH);
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir).resolve(command));
                }
            }
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return;
            }
        }
        for (Path candidate : candidates) {
            for (ContainerMountInfo mount : mounts) {
                if (candidate.toAbsolutePath().normalize().startsWith(Path.of(mount.getTarget()))) {
                    return; // resolved inside the container
                }
            }
        }
        if (command.contains("/")) {
            Path file = candidates.get(0);
            String why = !Files.exists(file) ? "no such file" : Files.isDirectory(file) ? "is a directory" : "not executable";
            throw new LaunchException("Invalid command '" + command + "': " + why);
        }
        throw new LaunchException("Invalid command '" + command + "': not found in PATH '"
                + spec.environment().getOrDefault("PATH", DEFAULT_PATH) + "'");
    }

    /**
     * The setpriv options for the user and capabilities asked for; empty when none are needed.
     *
     * @param user the user to run as, {@code null} for root
     * @param users where to look it up
     */
    static List<String> setpriv(ContainerLaunchInfo info, String user, UserDatabase users) throws LaunchException {
        List<String> options = new ArrayList<>();
        boolean root = true;
        if (user != null) {
            UserDatabase.User found = users.find(user);
            options.addAll(List.of("--reuid=" + found.uid(), "--regid=" + found.gid()));
            List<Long> groups = users.groups(found);
            if (found.listed() && users.isHost()) {
                options.add("--init-groups");
            } else if (groups.isEmpty()) {
                options.add("--clear-groups");
            } else {
                options.add("--groups=" + groups.stream().map(String::valueOf).collect(Collectors.joining(",")));
            }
            root = found.uid() == 0;
        }
        Set<String> effective = info.hasEffectiveCapabilities() ? names(info.getEffectiveCapabilities()) : null;
        Set<String> bounding = info.hasBoundingCapabilities() ? names(info.getBoundingCapabilities()) : effective;
        if (effective != null) {
            options.add("--inh-caps=" + capList(effective));
            options.add("--ambient-caps=" + capList(effective));
            options.add("--bounding-set=" + capList(bounding));
            if (root && !effective.equals(bounding)) {
                // root would otherwise get its whole bounding set on exec: only ambient caps count now
                options.add("--securebits=+noroot,+noroot_locked");
            }
        } else if (bounding != null) {
            options.add("--inh-caps=" + capList(bounding));
            options.add("--bounding-set=" + capList(bounding));
        }
        if (info.getNoNewPrivileges()) {
            options.add("--no-new-privs");
        }
        return options;
    }

    private static Set<String> names(CapabilityInfo capabilities) throws LaunchException {
        Set<String> names = new TreeSet<>();
        for (CapabilityInfo.Capability capability : capabilities.getCapabilitiesList()) {
            if (capability == CapabilityInfo.Capability.UNKNOWN) {
                throw new LaunchException("Invalid capability 'UNKNOWN'");
            }
            names.add(capability.name().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static String capList(Set<String> names) {
        StringBuilder list = new StringBuilder("-all");
        for (String name : names) {
            list.append(",+").append(name);
        }
        return list.toString();
    }
}
