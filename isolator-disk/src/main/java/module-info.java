/** Corral isolators: see docs/isolators/. */
module corral.isolator.disk {
    requires corral.isolator.spi;
    requires corral.bindings;
}
