/**
 * Corral's namespace isolators: {@code namespaces/pid} gives each container its own pid namespace and
 * {@code /proc}; {@code filesystem/shared} and {@code filesystem/linux} give it a mount namespace (the
 * latter also an image's root filesystem). See docs/isolators/namespaces-pid.md,
 * filesystem-shared.md and filesystem-linux.md.
 *
 * @provides corral.isolator.spi.IsolatorProvider {@code namespaces/pid}, {@code filesystem/shared},
 *     {@code filesystem/linux}
 */
module corral.isolator.namespaces {
    requires corral.isolator.spi;
    requires corral.bindings;

    provides corral.isolator.spi.IsolatorProvider with
            corral.isolator.namespaces.pid.PidNamespaceProvider,
            corral.isolator.namespaces.shared.SharedFilesystemProvider,
            corral.isolator.namespaces.linuxfs.LinuxFilesystemProvider;
}
