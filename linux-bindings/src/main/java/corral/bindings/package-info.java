/**
 * Safe facades over the Linux calls Corral needs, one small class per area, with C names. Nothing
 * here exposes a jnr-ffi type. A failed call throws {@link corral.bindings.NativeException} naming
 * the call, its target and the errno; calls that can be interrupted are retried on {@code EINTR}.
 * Every facade is static and keeps no mutable state, so it is thread-safe; what a call changes in the
 * kernel may still belong to the calling thread only (see {@link corral.bindings.Namespaces}).
 * Parameters are never {@code null} unless a method says otherwise.
 */
package corral.bindings;
