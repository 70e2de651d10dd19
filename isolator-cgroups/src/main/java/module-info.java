/**
 * cgroups for Corral: the support library (package {@code corral.isolator.cgroups}: hierarchies,
 * a container's cgroup, controllers as small classes, kill-and-remove) that launchers and other
 * isolators use, and the {@code cgroups/*} isolators. See docs/isolators/cgroups-net-cls.md.
 *
 * @provides corral.isolator.spi.IsolatorProvider {@code cgroups/net_cls}
 */
module corral.isolator.cgroups {
    requires transitive corral.isolator.spi;
    requires transitive corral.bindings;

    exports corral.isolator.cgroups;

    provides corral.isolator.spi.IsolatorProvider with corral.isolator.cgroups.netcls.NetClsIsolatorProvider;
}
