/** Corral isolators: see docs/isolators/. */
module corral.isolator.docker {
    requires corral.isolator.spi;
    requires corral.bindings;
}
