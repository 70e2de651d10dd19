/**
 * Checkpoints of running containers and the agent's recovery after a restart or a crash.
 *
 * <p>Everything needed to recover a container lives under
 * {@code <runtime_dir>/containers/<container_id>/} ({@link corral.agent.checkpoint.CheckpointLayout}),
 * each file written atomically ({@link corral.agent.checkpoint.AtomicFiles}).
 */
package corral.agent.checkpoint;
