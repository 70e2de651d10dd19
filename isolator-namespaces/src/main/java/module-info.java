/** Corral isolators: see docs/isolators/. */
module corral.isolator.namespaces {
    requires corral.isolator.spi;
    requires corral.bindings;

    provides corral.isolator.spi.IsolatorProvider with
            corral.isolator.namespaces.pid.PidNamespaceProvider,
            corral.isolator.namespaces.shared.SharedFilesystemProvider,
            corral.isolator.namespaces.linuxfs.LinuxFilesystemProvider;
}
