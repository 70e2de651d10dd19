package corral.isolator.namespaces.linuxfs;

import static corral.isolator.spi.MountFlags.MS_BIND;
import static corral.isolator.spi.MountFlags.MS_NODEV;
import static corral.isolator.spi.MountFlags.MS_NOEXEC;
import static corral.isolator.spi.MountFlags.MS_NOSUID;
import static corral.isolator.spi.MountFlags.MS_RDONLY;
import static corral.isolator.spi.MountFlags.MS_REC;
import static corral.isolator.spi.MountFlags.MS_REMOUNT;
import static corral.isolator.spi.MountFlags.MS_SLAVE;

import corral.bindings.RootedPaths;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.LinuxNamespaces;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.Volume;
import corral.isolator.spi.mesos.slave.ContainerClass;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code filesystem/linux}: every container gets its own mount namespace, slave to the host's; a
 * container with a root filesystem (from an image, provisioned by the agent before {@code prepare})
 * also gets, declared as ordered mounts whose targets lie inside that root filesystem:
 *
 * <ol>
 * <li>{@code /} made recursively slave (host mounts still propagate in, none leak out);</li>
 * <li>the root filesystem bind-mounted onto itself (so that {@code pivot_root} can use it);</li>
 * <li>{@code /proc} (for the container's pid namespace) with {@code /proc/sys} and the other kernel knobs
 *     of {@link #READ_ONLY_PROC} bound read-only, read-only {@code /sys};</li>
 * <li>a tmpfs {@code /dev} with bind mounts of the host's {@code null zero full random urandom tty},
 *     a new {@code devpts} instance at {@code /dev/pts} with {@code /dev/ptmx} bound to its
 *     {@code ptmx}, and a tmpfs {@code /dev/shm} (mode 1777) unless {@code namespaces/ipc} makes it;</li>
 * <li>the sandbox at {@code --sandbox_directory};</li>
 * <li>host-path and sandbox-path volumes, read-only ones remounted read-only.</li>
 * </ol>
 *
 * <p>and, unless the container shares the agent's pid namespace ({@code LinuxInfo.share_pid_namespace},
 * Mesos's "privileged" container), a pid namespace of its own (with or without {@code namespaces/pid})
 * and the {@code masked_paths} of {@link #MASKED_PATHS}.
 *
 * <p>The launch info's {@code rootfs} itself is set by the containerizer from
 * {@code ContainerConfig.rootfs} (isolators must not set it); the launcher performs the mounts in
 * order inside the new mount namespace, creating a missing target (a directory, or an empty file
 * when the source is not a directory), then {@code pivot_root}s into {@code rootfs}. Targets are
 * resolved here with the image's symlinks kept inside the root filesystem. Thread-safe; holds no
 * state.
 */
public final class LinuxFilesystemIsolator implements Isolator {

    private static final System.Logger LOG = System.getLogger(LinuxFilesystemIsolator.class.getName());
    /** The host devices every container with a root filesystem gets. */
    static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");
    /** Kernel knobs under /proc a container may read but never write (Mesos's list). */
    static final List<String> READ_ONLY_PROC = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");
    /** What an unprivileged container does not see at all (Mesos's list): the launcher covers each one that exists. */
    static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/key-users", "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list",
            "/proc/timer_stats", "/sys/firmware");

    private final LinuxFilesystemSettings settings;
    private final boolean ownShm;

    /**
     * @param settings the settings
     * @param ownShm whether to mount {@code /dev/shm} (false when {@code namespaces/ipc} does)
     */
    public LinuxFilesystemIsolator(LinuxFilesystemSettings settings, boolean ownShm) {
        this.settings = settings;
        this.ownShm = ownShm;
    }

    @Override
    public boolean supportsNesting() {
        return true;
    }

    @Override
    public boolean supportsStandalone() {
        return true;
    }

    @Override
    public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        if (config.getContainerClass() == ContainerClass.DEBUG) {
            if (config.hasRootfs()) {
                throw new IsolatorException("A 'rootfs' cannot be set for DEBUG containers");
            }
            if (config.hasContainerInfo() && config.getContainerInfo().getVolumesCount() > 0) {
                throw new IsolatorException("Volumes not supported for DEBUG containers");
            }
            return Optional.empty();
        }
        ContainerLaunchInfo.Builder launch = ContainerLaunchInfo.newBuilder()
                .addCloneNamespaces(LinuxNamespaces.CLONE_NEWNS);
        launch.addMounts(mount("/", null, null, MS_REC | MS_SLAVE, null));
        Path sandbox = Path.of(config.getDirectory());
        if (config.hasRootfs()) {
            Path rootfs = Path.of(config.getRootfs());
            if (!rootfs.isAbsolute() || !Files.isDirectory(rootfs)) {
                throw new IsolatorException("The root filesystem '" + config.getRootfs() + "' of container "
                        + containerId.getValue() + " is not an absolute path to a directory");
            }
            rootfs = rootfs.normalize();
            launch.addMounts(mount(rootfs.toString(), rootfs.toString(), null, MS_BIND | MS_REC, null));
            launch.addMounts(mount(in(rootfs, "/proc"), "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, null));
            for (String knob : READ_ONLY_PROC) {
                // the container's proc is the same kernel's: what this host's /proc lacks, it lacks too
                if (Files.exists(Path.of(knob))) {
                    String target = in(rootfs, knob);
                    launch.addMounts(mount(target, target, null, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV
                            | MS_NOEXEC, null));
                }
            }
            launch.addMounts(mount(in(rootfs, "/sys"), "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                    null));
            String dev = in(rootfs, "/dev");
            launch.addMounts(mount(dev, "tmpfs", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=65536k"));
            for (String device : DEVICES) {
                launch.addMounts(mount(dev + "/" + device, "/dev/" + device, null, MS_BIND, null));
            }
            launch.addMounts(mount(dev + "/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
                    "newinstance,ptmxmode=0666,mode=0620,gid=5"));
            launch.addMounts(mount(dev + "/ptmx", dev + "/pts/ptmx", null, MS_BIND, null));
            if (ownShm) {
                launch.addMounts(mount(dev + "/shm", "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777"));
            }
            launch.addMounts(mount(in(rootfs, settings.sandboxDirectory()), sandbox.toString(), null, MS_BIND | MS_REC,
                    null));
            volumes(containerId, config, launch, Optional.of(rootfs), sandbox);
            boolean sharesAgentPids = config.hasContainerInfo() && config.getContainerInfo().hasLinuxInfo()
                    && config.getContainerInfo().getLinuxInfo().getSharePidNamespace();
            if (!sharesAgentPids) {
                // Stricter than Mesos: in the agent's pid namespace, /proc/<pid>/root of any host
                // process of the task's uid leads back to the host's files, whatever the pivot did.
                launch.addCloneNamespaces(LinuxNamespaces.CLONE_NEWPID);
                launch.addAllMaskedPaths(MASKED_PATHS);
            }
        } else {
            volumes(containerId, config, launch, Optional.empty(), sandbox);
        }
        return Optional.of(launch.build());
    }

    private void volumes(ContainerID containerId, ContainerConfig config, ContainerLaunchInfo.Builder launch,
            Optional<Path> rootfs, Path sandbox) {
        if (!config.hasContainerInfo()) {
            return;
        }
        for (Volume volume : config.getContainerInfo().getVolumesList()) {
            String source;
            if (volume.hasHostPath()) {
                String host = volume.getHostPath();
                source = host.startsWith("/") ? host : inSandbox(sandbox, checkRelative(host, "host_path"));
            } else if (volume.hasSource() && volume.getSource().getType() == Volume.Source.Type.HOST_PATH) {
                source = volume.getSource().getHostPath().getPath();
            } else if (volume.hasSource() && volume.getSource().getType() == Volume.Source.Type.SANDBOX_PATH
                    && volume.getSource().getSandboxPath().getType() != Volume.Source.SandboxPath.Type.PARENT) {
                source = inSandbox(sandbox, checkRelative(volume.getSource().getSandboxPath().getPath(), "sandbox_path.path"));
            } else {
                LOG.log(Level.DEBUG, "filesystem/linux leaves volume '" + volume.getContainerPath()
                        + "' of container " + containerId.getValue() + " to another isolator");
                continue;
            }
            if (!Files.exists(Path.of(source))) {
                throw new IsolatorException("Host path '" + source + "' of volume '" + volume.getContainerPath()
                        + "' does not exist");
            }
            String containerPath = volume.getContainerPath();
            if (("/" + containerPath + "/").contains("/../")) {
                throw new IsolatorException("The container path '" + containerPath + "' of a volume must not contain '..'");
            }
            String target;
            if (rootfs.isPresent()) {
                target = in(rootfs.get(), containerPath.startsWith("/") ? containerPath
                        : settings.sandboxDirectory() + "/" + containerPath);
            } else if (containerPath.startsWith("/")) {
                if (!Files.exists(Path.of(containerPath))) {
                    throw new IsolatorException("Absolute container path '" + containerPath + "' does not exist");
                }
                target = containerPath;
            } else {
                target = sandbox.resolve(containerPath).normalize().toString();
            }
            launch.addMounts(mount(target, source, null, MS_BIND | MS_REC, null));
            if (volume.getMode() == Volume.Mode.RO) {
                launch.addMounts(mount(target, null, null, MS_BIND | MS_REMOUNT | MS_RDONLY, null));
            }
        }
    }

    /**
     * A volume source under the sandbox, created when missing (as Mesos does: {@code host_path: "tmp"}
     * gives each container a private {@code /tmp}) and owned like the sandbox. Resolved inside the
     * sandbox, so that a symlink a previous task left there cannot point the mount at the host.
     */
    private static String inSandbox(Path sandbox, String relative) {
        try {
            Path source = RootedPaths.resolve(sandbox, relative);
            if (!Files.exists(source)) {
                Files.createDirectories(source);
                Files.setAttribute(source, "unix:uid", Files.getAttribute(sandbox, "unix:uid"));
                Files.setAttribute(source, "unix:gid", Files.getAttribute(sandbox, "unix:gid"));
            }
            return source.toString();
        } catch (IOException e) {
            throw new IsolatorException("Failed to create the source of the mount at '" + sandbox.resolve(relative)
                    + "': " + e, e);
        }
    }

    private static String checkRelative(String path, String field) {
        if (path.startsWith("/") || ("/" + path + "/").contains("/../")) {
            throw new IsolatorException("The volume's " + field + " '" + path
                    + "' must be relative to the sandbox, without '..'");
        }
        return path;
    }

    /** Resolves a mount target inside the image: strictly below its root, whatever its symlinks say. */
    private static String in(Path rootfs, String path) {
        try {
            Path target = RootedPaths.resolve(rootfs, path);
            if (target.equals(rootfs)) {
                // e.g. /proc -> /: the host's proc would become the container's root directory
                throw new IsolatorException("The image at '" + rootfs + "' makes '" + path
                        + "' its root directory (a symlink to '/'); refusing to mount over it");
            }
            return target.toString();
        } catch (IOException e) {
            throw new IsolatorException("Cannot resolve '" + path + "' inside the image '" + rootfs + "': "
                    + e.getMessage(), e);
        }
    }

    private static ContainerMountInfo mount(String target, String source, String type, int flags, String options) {
        ContainerMountInfo.Builder m = ContainerMountInfo.newBuilder().setTarget(target).setFlags(flags);
        if (source != null) {
            m.setSource(source);
        }
        if (type != null) {
            m.setType(type);
        }
        if (options != null) {
            m.setOptions(options);
        }
        return m.build();
    }
}
