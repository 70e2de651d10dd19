package corral.agent.containerizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerStatus;
import corral.isolator.spi.mesos.TaskState;
import corral.isolator.spi.mesos.TaskStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FinalStatusJsonTest {

    @Test
    void writesTheContractFields() {
        ContainerID id = ContainerID.newBuilder().setValue("c1").build();
        FinalStatus failed = new FinalStatus(id, "/w/sandboxes/c1", TaskState.TASK_FAILED, Optional.empty(),
                Optional.of(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED),
                Optional.of("Failed to launch container: \"x\"\n"), Optional.empty(),
                ContainerStatus.newBuilder().setContainerId(id).build(), Optional.empty());
        assertEquals("{\"container_id\":\"c1\",\"directory\":\"/w/sandboxes/c1\",\"state\":\"TASK_FAILED\","
                + "\"exit_status\":null,\"exit_code\":1,\"reason\":\"REASON_CONTAINER_LAUNCH_FAILED\","
                + "\"message\":\"Failed to launch container: \\\"x\\\"\\n\","
                + "\"container_status\":{\"container_id\":{\"value\":\"c1\"}}}", FinalStatusJson.write(failed));
        FinalStatus killed = new FinalStatus(id, "/d", TaskState.TASK_KILLED, Optional.of(9), Optional.empty(),
                Optional.empty(), Optional.empty(), ContainerStatus.getDefaultInstance(), Optional.empty());
        assertEquals("{\"container_id\":\"c1\",\"directory\":\"/d\",\"state\":\"TASK_KILLED\",\"exit_status\":9,"
                + "\"exit_code\":137,\"container_status\":{}}", FinalStatusJson.write(killed));
    }
}
