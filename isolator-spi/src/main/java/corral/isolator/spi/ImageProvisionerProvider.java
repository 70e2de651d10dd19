package corral.isolator.spi;

/**
 * The service an image module provides: the image type it handles and a factory for its
 * provisioner. The agent loads providers with {@code ServiceLoader}, and creates the one whose
 * {@link #type} is listed in {@code --image_providers}.
 *
 * <p>Register an implementation with {@code provides corral.isolator.spi.ImageProvisionerProvider
 * with ...} in {@code module-info.java}. Providers must be stateless, cheap to construct and
 * thread-safe.
 */
public interface ImageProvisionerProvider {

    /**
     * The image type handled, as {@code --image_providers} spells it in lower case and as
     * {@code Image.Type} names it in upper case: {@code docker} or {@code appc}. Unique among the
     * providers the agent finds.
     *
     * @return the type, never {@code null}
     */
    String type();

    /**
     * The SPI major version this provider was compiled against: implement it as
     * {@code return Spi.MAJOR_VERSION;} (see {@link IsolatorProvider#spiVersion()}).
     *
     * @return the compiled-against SPI major version
     */
    int spiVersion();

    /**
     * Checks the settings and creates the provisioner. Called at most once per agent start, before
     * any container is launched and before {@link ImageProvisioner#recover}.
     *
     * @param context settings and host facts, never {@code null}
     * @return the provisioner, never {@code null}
     * @throws IsolatorException with a sentence for the operator when it cannot work here (a bad
     *     setting, missing privileges)
     */
    ImageProvisioner create(IsolatorContext context);
}
