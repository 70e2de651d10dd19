package corral.agent.launcher.linux;

import corral.agent.launcher.LaunchException;
import corral.agent.launcher.LaunchSpec;
import corral.agent.launcher.LaunchedContainer;
import corral.agent.launcher.Launcher;
import corral.agent.launcher.UserDatabase;
import corral.bindings.Errno;
import corral.bindings.Mounts;
import corral.bindings.NativeException;
import corral.bindings.Namespaces;
import corral.bindings.Processes;
import corral.bindings.Signals;
import corral.bindings.Spawn;
import corral.isolator.cgroups.Cgroup;
import corral.isolator.cgroups.Hierarchy;
import corral.isolator.spi.MountFlags;
import corral.isolator.spi.mesos.slave.ContainerMountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Mesos's {@code linux} launcher: starts each container from a fresh, throwaway platform thread that
 * joins the container's freezer cgroup (only without a pid namespace), unshares the namespaces the launch info asks for, makes {@code /}
 * private, performs the mounts and {@code posix_spawn}s the container's first process. The child
 * inherits all of that; the thread then dies, so the agent's own threads never enter a container's
 * namespaces or cgroups. The spawned pid is the host pid of the container's init. See
 * docs/launch-path.md. Thread-safe.
 */
public final class LinuxLauncher implements Launcher {

    private static final System.Logger LOG = System.getLogger(LinuxLauncher.class.getName());

    private final Hierarchy hierarchy;
    private final String cgroupsRoot;
    private final Cgroup agentCgroup;

    /**
     * @param cgroupsRoot the directory, relative to the freezer (or cgroup2) hierarchy, under which
     *     each container gets its cgroup (Mesos's {@code --cgroups_root})
     * @throws LaunchException if this host cannot run the launcher (not root, no cgroup hierarchy,
     *     util-linux missing)
     */
    public LinuxLauncher(String cgroupsRoot) throws LaunchException {
        this(cgroupsRoot, ContainerCgroup.findHierarchy()); // also loads the cgroup library's bindings here
    }

    /**
     * @param cgroupsRoot as above
     * @param hierarchy the hierarchy for containers' cgroups (tests use cgroup2 on a hybrid host)
     * @throws LaunchException as above
     */
    LinuxLauncher(String cgroupsRoot, Hierarchy hierarchy) throws LaunchException {
        if (cgroupsRoot.isEmpty() || cgroupsRoot.startsWith("/") || ContainerProgram.hasDotComponent(cgroupsRoot)) {
            throw new LaunchException("Invalid cgroups root '" + cgroupsRoot + "': it must be a relative path");
        }
        for (String program : List.of(ContainerProgram.UNSHARE, ContainerProgram.SETPRIV, ContainerProgram.ENV,
                ContainerProgram.SH)) {
            if (!Files.isExecutable(Path.of(program))) {
                throw new LaunchException("The linux launcher needs '" + program + "' (util-linux/coreutils)");
            }
        }
        this.hierarchy = hierarchy;
        if (hierarchy == null) {
            throw new LaunchException("The linux launcher needs the freezer cgroup hierarchy or cgroup2 mounted");
        }
        this.cgroupsRoot = cgroupsRoot;
        try {
            this.agentCgroup = ContainerCgroup.agentCgroup(hierarchy);
        } catch (IOException e) {
            throw new LaunchException("The linux launcher cannot find its own cgroup: " + e.getMessage(), e);
        }
        // jnr-ffi starts threads and loads classes lazily; do it here, never on a launcher thread
        Spawn.preinitialize();
        Namespaces.gettid();
        // and what a pivot thread may touch once its root is an image's, where no jar can be opened
        for (Class<?> facade : List.of(Mounts.class, Processes.class, Signals.class,
                NativeException.class, Errno.class, LaunchException.class, RootfsPivot.class)) {
            try {
                Class.forName(facade.getName(), true, facade.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** @return whether this process may use the launcher (effective uid 0) */
    public static boolean available() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public LaunchedContainer launch(LaunchSpec spec) throws LaunchException {
        ContainerProgram program = ContainerProgram.of(spec, UserDatabase::host);
        String name = spec.containerId().getValue();
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new LaunchException("Invalid container id '" + name + "'");
        }
        // Only a container without a pid namespace needs a cgroup to find all of its processes: a pid
        // namespace dies with its init. Moving a task between v1 cgroups waits for an RCU grace
        // period (measured 8-16 ms under load), which would dominate the launch.
        ContainerCgroup cgroup = null;
        if (!program.pidNamespace()) {
            try {
                cgroup = ContainerCgroup.create(hierarchy, cgroupsRoot, name);
            } catch (IOException e) {
                throw new LaunchException("Failed to create the container's cgroup '"
                        + hierarchy.mountPoint().resolve(cgroupsRoot).resolve(name) + "': " + e.getMessage(), e);
            }
        }
        int[] go = null;
        int[] ready = null;
        try {
            go = Spawn.pipe2(Spawn.O_CLOEXEC);
            long pid;
            try {
                if (program.rootfs() != null) {
                    ready = Spawn.pipe2(Spawn.O_CLOEXEC);
                }
                try (Spawn.Request request = request(spec, program, go[0], ready == null ? -1 : ready[1])) {
                    pid = spawnFromThrowawayThread(program, cgroup, agentCgroup, request);
                }
            } finally {
                // the child's ends: the child has its copies, or there is no child
                closeQuietly(go[0]);
                if (ready != null) {
                    closeQuietly(ready[1]);
                }
            }
            LinuxContainer container = new LinuxContainer(pid, go[1], ready == null ? -1 : ready[0], cgroup,
                    program.pidNamespace(), program.rootfs() == null ? null : RootfsPivot.Plan.of(program));
            go = null;
            ready = null;
            try {
                if (cgroup != null) {
                    cgroup.place(pid);
                }
            } catch (IOException e) {
                container.abort();
                throw new LaunchException("Failed to move the container into its cgroup '" + cgroup.path() + "': " + e, e);
            }
            return container;
        } catch (NativeException e) {
            throw new LaunchException("Failed to launch container '" + name + "': " + e.getMessage(), e);
        } finally {
            if (ready != null) {
                closeQuietly(ready[0]);
            }
            if (go != null) {
                closeQuietly(go[1]);
                if (cgroup != null) {
                    removeQuietly(cgroup);
                }
            }
        }
    }

    /**
     * @param readyFd where a container with a root filesystem says it is ready to be pivoted (its
     *     fd 4), or -1
     */
    private static Spawn.Request request(LaunchSpec spec, ContainerProgram program, int goFd, int readyFd)
            throws NativeException {
        Spawn.Request request = Spawn.request();
        try {
            int out = Spawn.O_WRONLY | Spawn.O_CREAT | Spawn.O_TRUNC;
            request.addopen(0, "/dev/null", Spawn.O_RDONLY, 0);
            request.addopen(1, spec.stdout().toString(), out, 0644);
            if (spec.stderr().equals(spec.stdout())) {
                request.adddup2(1, 2);
            } else {
                request.addopen(2, spec.stderr().toString(), out, 0644);
            }
            request.adddup2(goFd, 3);
            if (readyFd >= 0) {
                request.adddup2(readyFd, 4).addclosefrom_np(5);
            } else {
                request.addclosefrom_np(4);
            }
            // With a root filesystem the working directory is a path inside it, entered by
            // Supervisor.ENTER; until then every process stands on "/", which pivot_root moves into
            // the image (a directory elsewhere would keep a way back to the host's tree).
            Path chdir = program.rootfs() != null ? Path.of("/") : spec.workingDirectory();
            if (chdir != null) {
                request.addchdir_np(chdir.toString());
            }
            request.setsigmaskEmptyAndSigdefaultAll().setsid()
                    .program(program.executable(), program.argv(), program.environment());
            return request;
        } catch (NativeException | RuntimeException e) {
            request.close();
            throw e;
        }
    }

    /**
     * Runs the per-thread part of a launch on a new platform thread that dies right after: cgroup,
     * namespaces, mounts, spawn.
     */
    private static long spawnFromThrowawayThread(ContainerProgram program, ContainerCgroup cgroup, Cgroup home,
            Spawn.Request request) throws LaunchException, NativeException {
        return ThrowawayThread.run("corral-launch", () -> spawnHere(program, cgroup, home, request));
    }

    private static long spawnHere(ContainerProgram program, ContainerCgroup cgroup, Cgroup home,
            Spawn.Request request)
            throws LaunchException, NativeException {
        if (cgroup == null) {
            return spawnInNamespaces(program, request);
        }
        ContainerCgroup.Joined joined;
        try {
            joined = cgroup.joinCallingThread(home);
        } catch (IOException e) {
            throw new LaunchException("Failed to join the container's cgroup '" + cgroup.path() + "': " + e, e);
        }
        try {
            return spawnInNamespaces(program, request);
        } finally {
            try {
                joined.close();
            } catch (IOException e) {
                // the thread ends right after; until then the cgroup counts it (the kill skips this JVM)
                LOG.log(System.Logger.Level.WARNING, "The launch thread could not leave the container's cgroup '"
                        + cgroup.path() + "': " + e.getMessage());
            }
        }
    }

    private static long spawnInNamespaces(ContainerProgram program, Spawn.Request request)
            throws LaunchException, NativeException {
        if (program.cloneFlags() != 0) {
            Namespaces.unshare(program.cloneFlags());
        }
        if (program.mountNamespace()) {
            // nothing done in the container may propagate back to the host; an isolator that declares
            // "/" recursively slave first (filesystem/linux) keeps receiving the host's new mounts
            if (!declaresRootSlave(program)) {
                Mounts.mount(null, "/", null, Mounts.MS_REC | Mounts.MS_PRIVATE, null);
            }
            for (ContainerMountInfo declared : program.mounts()) {
                ContainerMountInfo mount = declared;
                if (program.rootfs() != null) {
                    mount = RootfsEntry.resolved(program.rootfs().rootfs(), declared);
                    program.rootfs().createTarget(mount);
                }
                mount(mount);
            }
            if (program.pidNamespace()) {
                // unshare --mount-proc mounts the new namespace's proc; none of the host's stays below
                Mounts.umount2("/proc", Mounts.MNT_DETACH);
            }
        }
        return request.posix_spawn();
    }

    /** @return whether the first mount makes "/" recursively slave (a propagation change, nothing mounted) */
    static boolean declaresRootSlave(ContainerProgram program) {
        if (program.mounts().isEmpty()) {
            return false;
        }
        ContainerMountInfo first = program.mounts().get(0);
        long flags = first.getFlags() & 0xffffffffL;
        return "/".equals(first.getTarget()) && !first.hasSource() && !first.hasType()
                && flags == (Mounts.MS_REC | Mounts.MS_SLAVE);
    }

    static void mount(ContainerMountInfo mount) throws LaunchException {
        long flags = mount.getFlags() & 0xffffffffL;
        String source = mount.hasSource() ? mount.getSource() : null;
        String type = mount.hasType() ? mount.getType() : null;
        String options = mount.hasOptions() ? mount.getOptions() : null;
        try {
            if ((flags & MountFlags.MS_BIND) != 0 && (flags & MountFlags.MS_REMOUNT) == 0) {
                // MS_RDONLY and friends are ignored when binding: apply them afterwards
                long restrictions = flags & (Mounts.MS_RDONLY | Mounts.MS_NOSUID | Mounts.MS_NODEV | Mounts.MS_NOEXEC);
                Mounts.mount(source, mount.getTarget(), null, flags & (Mounts.MS_BIND | Mounts.MS_REC), null);
                if (restrictions != 0) {
                    restrict(mount.getTarget(), restrictions, (flags & Mounts.MS_REC) != 0);
                }
            } else {
                Mounts.mount(source, mount.getTarget(), type, flags, options);
            }
        } catch (NativeException e) {
            // "Failed to mount" names the call: the errno is what NativeException adds
            throw new LaunchException("Failed to mount '" + source + "' to '" + mount.getTarget() + "': "
                    + e.errno(), e);
        }
    }

    /**
     * Makes a bind read-only (and so on) including every mount below it: MS_REMOUNT changes only the
     * top mount, which would leave submounts of a read-only volume writable.
     */
    private static void restrict(String target, long restrictions, boolean recursive) throws NativeException {
        long attributes = ((restrictions & Mounts.MS_RDONLY) != 0 ? Mounts.MOUNT_ATTR_RDONLY : 0)
                | ((restrictions & Mounts.MS_NOSUID) != 0 ? Mounts.MOUNT_ATTR_NOSUID : 0)
                | ((restrictions & Mounts.MS_NODEV) != 0 ? Mounts.MOUNT_ATTR_NODEV : 0)
                | ((restrictions & Mounts.MS_NOEXEC) != 0 ? Mounts.MOUNT_ATTR_NOEXEC : 0);
        try {
            Mounts.mount_setattr(target, recursive, attributes, 0);
        } catch (NativeException e) {
            if (e.errno().number() != Errno.ENOSYS) {
                throw e;
            }
            // before Linux 5.12: the top mount only
            Mounts.mount(null, target, null, Mounts.MS_REMOUNT | Mounts.MS_BIND | restrictions, null);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Spawn.close(fd);
        } catch (NativeException e) {
            LOG.log(System.Logger.Level.WARNING, "Failed to close fd " + fd + ": " + e.getMessage());
        }
    }

    static void removeQuietly(ContainerCgroup cgroup) {
        try {
            cgroup.remove();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Failed to remove cgroup '" + cgroup.path() + "': " + e);
        }
    }
}
