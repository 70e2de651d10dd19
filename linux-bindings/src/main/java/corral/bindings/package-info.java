/**
 * Safe facades over the Linux calls Corral needs. Nothing here exposes a jnr-ffi type.
 */
package corral.bindings;
