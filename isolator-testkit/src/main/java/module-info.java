/**
 * A test kit for isolator authors: find a provider by id through {@code ServiceLoader} under the
 * agent's acceptance rules, and create its isolator with a context built from the modules'
 * {@code reference.conf} defaults, as the agent would.
 *
 * @uses corral.isolator.spi.IsolatorProvider
 */
module corral.isolator.testkit {
    requires transitive corral.isolator.spi;

    exports corral.isolator.testkit;

    uses corral.isolator.spi.IsolatorProvider;
}
