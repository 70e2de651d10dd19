/** Launchers: start a container's first process from a merged launch info, held before exec. */
package corral.agent.launcher;
