/**
 * The agent's configuration: every module's {@code reference.conf} (each leaf key
 * {@code corral.<section>.<key>} is the flag {@code --<key>}, its comment the help text), overridden
 * by the {@code --config} file, {@code MESOS_*} environment variables and the command line.
 */
package corral.agent.config;
