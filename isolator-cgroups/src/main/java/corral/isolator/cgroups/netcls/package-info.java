/**
 * The {@code cgroups/net_cls} isolator (module {@code corral.isolator.cgroups}, settings under
 * {@code corral.cgroups}); leave it out of {@code --isolation} to disable it.
 */
package corral.isolator.cgroups.netcls;
