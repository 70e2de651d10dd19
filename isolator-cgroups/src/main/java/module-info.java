/** Corral isolators: see docs/isolators/. */
module corral.isolator.cgroups {
    requires corral.isolator.spi;
    requires corral.bindings;
}
