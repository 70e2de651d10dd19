/**
 * The cgroups support library: {@link corral.isolator.cgroups.Hierarchies} finds (and mounts) the
 * v1/v2 hierarchies, {@link corral.isolator.cgroups.ContainerCgroups} says where a container's cgroup
 * is, {@link corral.isolator.cgroups.Cgroup} creates, joins, kills and removes one, and
 * {@link corral.isolator.cgroups.Controller} subclasses wrap one controller's control files.
 * Parameters and return values are never {@code null} unless stated; every type is thread-safe.
 */
package corral.isolator.cgroups;
