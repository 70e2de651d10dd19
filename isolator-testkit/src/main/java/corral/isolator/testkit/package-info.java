/** Test support for isolators: contexts, container configurations and ServiceLoader lookup by id. */
package corral.isolator.testkit;
