/** Corral isolators: see docs/isolators/. */
module corral.isolator.capabilities {
    requires corral.isolator.spi;
}
