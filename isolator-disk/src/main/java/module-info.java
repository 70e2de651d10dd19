/**
 * Corral's disk isolators: {@code disk/du} measures each sandbox with {@code du} and can stop a
 * container above its {@code disk} resource; {@code disk/xfs} gives each sandbox an XFS project and
 * lets the kernel account (and limit) its space. See docs/isolators/disk-du.md and disk-xfs.md.
 *
 * @provides corral.isolator.spi.IsolatorProvider {@code disk/du}, {@code disk/xfs}
 */
module corral.isolator.disk {
    requires corral.isolator.spi;
    requires corral.bindings;

    exports corral.isolator.disk.xfs;

    provides corral.isolator.spi.IsolatorProvider with
            corral.isolator.disk.du.DuProvider,
            corral.isolator.disk.xfs.XfsProvider;
}
