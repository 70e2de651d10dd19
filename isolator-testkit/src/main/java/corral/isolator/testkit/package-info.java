/** Test support for isolators: a context built from the modules' defaults, and ServiceLoader lookup by id. */
package corral.isolator.testkit;
