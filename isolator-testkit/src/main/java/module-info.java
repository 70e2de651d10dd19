/**
 * A test kit for isolator authors: run an isolator's lifecycle against a real container
 * configuration and assert on what it declared, as the agent would call it.
 */
module corral.isolator.testkit {
    requires transitive corral.isolator.spi;

    exports corral.isolator.testkit;

    uses corral.isolator.spi.IsolatorProvider;
}
