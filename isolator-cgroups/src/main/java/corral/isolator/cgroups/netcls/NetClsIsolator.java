package corral.isolator.cgroups.netcls;

import corral.isolator.cgroups.Cgroup;
import corral.isolator.cgroups.ContainerCgroups;
import corral.bindings.NativeException;
import corral.isolator.cgroups.Hierarchies;
import corral.isolator.cgroups.Hierarchy;
import corral.isolator.cgroups.NetClsController;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.spi.mesos.slave.ContainerState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code cgroups/net_cls}: a net_cls cgroup per container at
 * {@code <net_cls mount>/<cgroups_root>/<containerId>}; with a primary handle, a class id per container
 * written to {@code net_cls.classid} and reported as {@code cgroup_info.net_cls.classid}. Nested
 * containers share their parent's cgroup unless {@code LinuxInfo.share_cgroups} is false.
 * Thread-safe.
 */
final class NetClsIsolator implements Isolator {

    private static final System.Logger LOG = System.getLogger(NetClsIsolator.class.getName());
    /** Mesos's {@code --cgroups_destroy_timeout} default; how long cleanup may take to empty a cgroup. */
    private static final Duration DESTROY_TIMEOUT = Duration.ofSeconds(60);
    private static final NetClsController NET_CLS = new NetClsController();

    /** What this isolator holds for one container with its own cgroup. */
    private record Info(Cgroup cgroup, NetClsHandle handle) {
    }

    private final Path hierarchyRoot;
    private Hierarchy hierarchy; // mounted on first use; guarded by this
    private final ContainerCgroups layout;
    private final NetClsHandleManager handles; // null: the operator manages class ids
    private final Map<ContainerID, Info> infos = new ConcurrentHashMap<>();

    NetClsIsolator(Path hierarchyRoot, ContainerCgroups layout, NetClsHandleManager handles) {
        this.hierarchyRoot = hierarchyRoot;
        this.layout = layout;
        this.handles = handles;
    }

    /** @return the net_cls hierarchy, mounted at {@code <cgroups_hierarchy>/net_cls} if it was not */
    private synchronized Hierarchy hierarchy() {
        if (hierarchy == null) {
            try {
                hierarchy = Hierarchies.mountV1("net_cls", hierarchyRoot);
            } catch (NativeException e) {
                throw new IsolatorException("Failed to mount the net_cls hierarchy: " + e.getMessage(), e);
            }
        }
        return hierarchy;
    }

    @Override
    public boolean supportsNesting() {
        return true;
    }

    @Override
    public boolean supportsStandalone() {
        return true; // as Mesos's cgroups isolator
    }

    @Override
    public void recover(List<ContainerState> states, Set<ContainerID> orphans) {
        Set<ContainerID> known = new HashSet<>(orphans);
        for (ContainerState state : states) {
            known.add(state.getContainerId());
        }
        for (ContainerID id : known) {
            Cgroup cgroup = layout.cgroup(hierarchy(), id);
            if (!cgroup.exists()) {
                // a nested container sharing its parent's cgroup, or one that never got isolated
                continue;
            }
            infos.put(id, new Info(cgroup, recoverHandle(cgroup)));
        }
        try {
            // cgroups under the root that the agent does not know: Mesos destroys them too
            for (ContainerID id : layout.containers(hierarchy())) {
                if (!known.contains(id)) {
                    Cgroup cgroup = layout.cgroup(hierarchy(), id);
                    NetClsHandle handle = recoverHandle(cgroup);
                    LOG.log(Level.INFO, "Cleaning up unknown orphaned net_cls cgroup {0}", cgroup);
                    infos.put(id, new Info(cgroup, handle));
                    cleanup(id);
                }
            }
        } catch (IOException e) {
            throw new IsolatorException("Failed to list the net_cls cgroups under " + layout.rootCgroup(hierarchy())
                    + ": " + e.getMessage(), e);
        }
    }

    private NetClsHandle recoverHandle(Cgroup cgroup) {
        long classid;
        try {
            classid = NET_CLS.classid(cgroup);
        } catch (IOException e) {
            throw new IsolatorException("Failed to recover the net_cls handle: " + e.getMessage(), e);
        }
        if (classid == 0 || handles == null) {
            return null;
        }
        NetClsHandle handle = NetClsHandle.of(classid);
        try {
            handles.reserve(handle);
        } catch (IllegalStateException e) {
            throw new IsolatorException("Failed to recover the net_cls handle: Failed to reserve the handle: "
                    + e.getMessage(), e);
        }
        return handle;
    }

    @Override
    public Optional<ContainerLaunchInfo> prepare(ContainerID containerId, ContainerConfig config) {
        if (sharesParentCgroup(containerId, config)) {
            return Optional.empty();
        }
        Cgroup cgroup;
        try {
            cgroup = layout.cgroup(hierarchy(), containerId);
        } catch (IllegalArgumentException e) {
            throw new IsolatorException(e.getMessage(), e);
        }
        synchronized (infos) {
            if (infos.containsKey(containerId)) {
                throw new IsolatorException("The subsystem 'net_cls' has already been prepared");
            }
            NetClsHandle handle = null;
            if (handles != null) {
                try {
                    handle = handles.alloc();
                } catch (IllegalStateException e) {
                    throw new IsolatorException("Failed to allocate a net_cls handle: " + e.getMessage(), e);
                }
                LOG.log(Level.INFO, "Allocated a net_cls handle: {0} to container {1}", handle,
                        containerId.getValue());
            }
            infos.put(containerId, new Info(cgroup, handle));
        }
        return Optional.empty();
    }

    private static boolean sharesParentCgroup(ContainerID id, ContainerConfig config) {
        return id.hasParent() && !(config.hasContainerInfo() && config.getContainerInfo().hasLinuxInfo()
                && config.getContainerInfo().getLinuxInfo().hasShareCgroups()
                && !config.getContainerInfo().getLinuxInfo().getShareCgroups());
    }

    /** @return the info of the container, or of the nearest ancestor whose cgroup it shares */
    private Info find(ContainerID id) {
        for (ContainerID c = id; ; c = c.getParent()) {
            Info info = infos.get(c);
            if (info != null || !c.hasParent()) {
                return info;
            }
        }
    }

    @Override
    public void isolate(ContainerID containerId, long pid) {
        Info info = find(containerId);
        if (info == null) {
            throw new IsolatorException("Unknown container " + containerId.getValue()
                    + ": the subsystem 'net_cls' has not prepared it");
        }
        try {
            info.cgroup().create();
        } catch (IOException e) {
            throw new IsolatorException("Failed to create the net_cls cgroup: " + e.getMessage(), e);
        }
        if (info.handle() != null && info == infos.get(containerId)) {
            try {
                NET_CLS.setClassid(info.cgroup(), info.handle().classid());
            } catch (IOException e) {
                throw new IsolatorException("Failed to assign a net_cls handle to the cgroup: " + e.getMessage(), e);
            }
        }
        try {
            info.cgroup().addProcess(pid);
        } catch (IOException e) {
            throw new IsolatorException("Failed to assign pid " + pid + " to the net_cls cgroup: " + e.getMessage(), e);
        }
    }

    @Override
    public void status(ContainerID containerId, ContainerStatus.Builder status) {
        Info info = find(containerId);
        if (info != null && info.handle() != null) {
            status.getCgroupInfoBuilder().getNetClsBuilder().setClassid((int) info.handle().classid());
        }
    }

    @Override
    public void cleanup(ContainerID containerId) {
        Info info = infos.get(containerId);
        if (info == null) {
            return; // never prepared here, or sharing an ancestor's cgroup
        }
        try {
            info.cgroup().destroy(DESTROY_TIMEOUT);
        } catch (IOException e) {
            // keep the handle: a process still in the cgroup may carry it
            throw new IsolatorException("Failed to destroy the net_cls cgroup " + info.cgroup() + ": "
                    + e.getMessage(), e);
        }
        infos.remove(containerId);
        if (info.handle() != null) {
            try {
                handles.free(info.handle());
            } catch (IllegalStateException e) {
                throw new IsolatorException("Could not free the net_cls handle: " + e.getMessage(), e);
            }
        }
    }
}
