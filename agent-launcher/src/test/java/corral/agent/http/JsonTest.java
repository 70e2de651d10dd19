package corral.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import corral.agent.http.v1.Call;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void protobufMessagesAreWrittenAsMesosWritesThem() {
        ResourceStatistics stats = ResourceStatistics.newBuilder().setTimestamp(1716200000.52)
                .setMemLimitBytes(Long.MAX_VALUE).setCpusLimit(1.0).build();
        // 64-bit integers as numbers (proto3 JSON would quote them), whole doubles without a fraction
        assertEquals("{\"timestamp\":1716200000.52,\"cpus_limit\":1,\"mem_limit_bytes\":9223372036854775807}",
                Json.write(stats));
        Call call = Call.newBuilder().setType(Call.Type.LAUNCH_CONTAINER).setLaunchContainer(Call.LaunchContainer
                .newBuilder().setContainerId(ContainerID.newBuilder().setValue("a\"b\n"))
                .setCommand(CommandInfo.newBuilder().setValue("true"))
                .putLimits("mem", Value.Scalar.newBuilder().setValue(64).build())).build();
        assertEquals("{\"type\":\"LAUNCH_CONTAINER\",\"launch_container\":{\"container_id\":{\"value\":\"a\\\"b\\n\"},"
                + "\"command\":{\"value\":\"true\"},\"limits\":{\"mem\":{\"value\":64}}}}", Json.write(call));
    }

    @Test
    void plainValuesNest() {
        Map<String, Object> o = Json.object();
        o.put("list", List.of(1, "x", true));
        o.put("none", null);
        o.put("nan", Double.NaN);
        o.put("control", "\u0001");
        assertEquals("{\"list\":[1,\"x\",true],\"none\":null,\"nan\":null,\"control\":\"\\u0001\"}", Json.write(o));
    }
}
