/**
 * The isolator SPI: {@link corral.isolator.spi.IsolatorProvider} (found by {@code ServiceLoader},
 * stateless) creates an {@link corral.isolator.spi.Isolator} (stateful, one per agent) from an
 * {@link corral.isolator.spi.IsolatorContext}; likewise an
 * {@link corral.isolator.spi.ImageProvisionerProvider} creates the
 * {@link corral.isolator.spi.ImageProvisioner} that turns an image into a
 * {@link corral.isolator.spi.ProvisionedImage}. Unless a method says otherwise, no parameter or
 * return value is {@code null}.
 */
package corral.isolator.spi;
