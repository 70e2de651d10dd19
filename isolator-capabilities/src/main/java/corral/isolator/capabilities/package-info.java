/**
 * The {@code linux/capabilities} isolator (module {@code corral.isolator.capabilities}, settings
 * under {@code corral.capabilities}); leave it out of {@code --isolation} to disable it.
 */
package corral.isolator.capabilities;
