/**
 * The cgroups support library: {@link corral.isolator.cgroups.Hierarchies} finds (and mounts) the
 * v1/v2 hierarchies, {@link corral.isolator.cgroups.ContainerCgroups} says where a container's cgroup
 * is, {@link corral.isolator.cgroups.Cgroup} creates, joins, kills and removes one, and
 * {@link corral.isolator.cgroups.Controller} subclasses wrap one controller's control files.
 *
 * <p>A launcher's life of one container:
 * <pre>{@code
 * CgroupsSettings settings = CgroupsSettings.from(config);
 * Hierarchy h = Hierarchies.detect().forProcessTracking(Path.of(settings.hierarchy())).orElseThrow();
 * Cgroup cgroup = ContainerCgroups.of(settings).cgroup(h, containerId).create();
 * cgroup.addThread(tid);              // v1, on the launching thread before it forks
 * cgroup.addProcess(pid);             // or: the held first process
 * cgroup.kill(Duration.ofSeconds(60)); // destroy: freezer + SIGKILL (v1) or cgroup.kill (v2)
 * cgroup.destroy(Duration.ofSeconds(60)); // after exit: kill leftovers, rmdir with retries
 * // recovery: every container that still has a cgroup
 * List<ContainerID> found = ContainerCgroups.of(settings).containers(h);
 * }</pre>
 *
 * <p>Kernel failures are {@link corral.bindings.NativeException}s naming the call, path and errno.
 * The first call loads the native bindings (jnr-ffi), so make one (for example
 * {@link corral.isolator.cgroups.Hierarchies#detect()}) on an ordinary thread before using the
 * library from a thread that must not start threads. Parameters and return values are never
 * {@code null} unless stated; every type is thread-safe.
 */
package corral.isolator.cgroups;
