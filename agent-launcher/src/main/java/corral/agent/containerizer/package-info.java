/**
 * The containerizer: runs the isolator lifecycle around a launcher, and the embeddable API other
 * agents use ({@link corral.agent.containerizer.Containerizer}).
 */
package corral.agent.containerizer;
