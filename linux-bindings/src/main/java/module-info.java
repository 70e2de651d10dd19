/**
 * The only module that calls native functions. Each area (spawning, waiting, signals, namespaces,
 * mounts, overlay mounts, cgroupfs, file modes, in-root path resolution, file attributes, quotas)
 * has one small facade in {@code corral.bindings} that turns a failed call into a
 * {@link corral.bindings.NativeException} carrying the call, errno and path.
 *
 * <p>{@code corral.bindings.libc} holds the jnr-ffi interfaces. It is exported without
 * qualification only because jnr-ffi defines its generated classes in an unnamed module; nothing
 * outside this module may use it (the ArchUnit fence enforces that).
 */
module corral.bindings {
    requires org.jnrproject.ffi;
    // jnr-ffi is an automatic module and cannot require the explicit asm module itself
    requires org.objectweb.asm;

    exports corral.bindings;
    exports corral.bindings.libc;
}
