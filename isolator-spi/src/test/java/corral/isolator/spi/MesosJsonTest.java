package corral.isolator.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.Volume;
import corral.isolator.spi.mesos.ResourceStatistics;
import corral.isolator.spi.mesos.TaskInfo;
import corral.isolator.spi.mesos.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MesosJsonTest {

    @Test
    void protobufMessagesAreWrittenAsMesosWritesThem() {
        ResourceStatistics stats = ResourceStatistics.newBuilder().setTimestamp(1716200000.52)
                .setMemLimitBytes(Long.MAX_VALUE).setCpusLimit(1.0).build();
        // 64-bit integers as numbers (proto3 JSON would quote them), whole doubles without a fraction
        assertEquals("{\"timestamp\":1716200000.52,\"cpus_limit\":1,\"mem_limit_bytes\":9223372036854775807}",
                MesosJson.print(stats));
        ContainerInfo info = ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                .addVolumes(Volume.newBuilder().setContainerPath("/a\"b\n").setMode(Volume.Mode.RO)).build();
        assertEquals("{\"type\":\"MESOS\",\"volumes\":[{\"container_path\":\"/a\\\"b\\n\",\"mode\":\"RO\"}]}",
                MesosJson.print(info));
        TaskInfo.Builder limits = TaskInfo.newBuilder().putLimits("mem", Value.Scalar.newBuilder().setValue(64).build());
        assertEquals("{\"limits\":{\"mem\":{\"value\":64}}}", MesosJson.print(limits));
    }

    @Test
    void plainValuesNest() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("list", List.of(1, "x", true));
        o.put("none", null);
        o.put("nan", Double.NaN);
        o.put("control", "\u0001");
        assertEquals("{\"list\":[1,\"x\",true],\"none\":null,\"nan\":null,\"control\":\"\\u0001\"}", MesosJson.write(o));
    }
}

