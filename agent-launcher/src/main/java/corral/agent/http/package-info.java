/**
 * The agent's HTTP endpoints: the Mesos v1 agent operator API on {@code POST /api/v1} and the read
 * endpoints ({@code /state}, {@code /monitor/statistics}, {@code /containers}, {@code /flags},
 * {@code /health}, {@code /version}, {@code /metrics/snapshot}, {@code /metrics}), served with
 * {@code jdk.httpserver}.
 */
package corral.agent.http;
