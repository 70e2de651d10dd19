package corral.isolator.cgroups.netcls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import corral.isolator.testkit.TestContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flag parsing, through the provider as the agent calls it: every bad value stops the agent. */
class NetClsFlagsTest {

    private static final String PREFIX = "Failed to create subsystem 'net_cls': Failed to create subsystem 'net_cls': ";

    @TempDir
    Path work;

    @Test
    void goodValues() {
        assertNull(NetClsFlags.parse(null, "0x1,0x2"), "the secondary range alone is ignored");
        assertEquals(new NetClsFlags(0x12, 1, 0xffff), NetClsFlags.parse("18", null));
        assertEquals(new NetClsFlags(0x12, 1, 0xffff), NetClsFlags.parse("0x12", null));
        assertEquals(new NetClsFlags(0xffff, 0x11, 0x12), NetClsFlags.parse("0xFFFF", "0x0011,0x0012"));
        assertEquals(new NetClsFlags(1, 5, 5), NetClsFlags.parse("1", "5,5"));
    }

    @Test
    void everyBadValueIsRefusedWithMesossMessage() {
        assertReason("Failed to parse the primary handle 'abc' set in flag --cgroups_net_cls_primary_handle",
                "abc", null);
        assertReason("Failed to parse the primary handle '0x10000' set in flag --cgroups_net_cls_primary_handle",
                "0x10000", null);
        assertReason("Failed to parse the primary handle '-1' set in flag --cgroups_net_cls_primary_handle",
                "-1", null);
        assertReason("The primary handle has to be a non-zero value.", "0", null);
        assertReason("Failed to parse the range of secondary handles '0x1' set in flag "
                + "--cgroups_net_cls_secondary_handles", "0x12", "0x1");
        assertReason("Failed to parse the range of secondary handles '0x1,0x2,0x3' set in flag "
                + "--cgroups_net_cls_secondary_handles", "0x12", "0x1,0x2,0x3");
        assertReason("Failed to parse the lower bound of range of secondary handles 'x,0x2' set in flag "
                + "--cgroups_net_cls_secondary_handles", "0x12", "x,0x2");
        assertReason("The secondary handle has to be a non-zero value.", "0x12", "0x0,0x2");
        assertReason("Failed to parse the upper bound of range of secondary handles '0x1,0x1ffff' set in flag "
                + "--cgroups_net_cls_secondary_handles", "0x12", "0x1,0x1ffff");
        assertReason("Secondary handle range specified '0x3,0x2', in flag --cgroups_net_cls_secondary_handles, "
                + "is an empty set", "0x12", "0x3,0x2");
    }

    @Test
    void aCgroupV2HierarchyIsRefused() throws Exception {
        corral.isolator.cgroups.TestCgroups.assumeRoot();
        corral.isolator.cgroups.Hierarchy unified = corral.isolator.cgroups.TestCgroups.unified();
        TestContext context = TestContext.of(work,
                Map.of("corral.cgroups.cgroups_hierarchy", unified.mountPoint().toString()), "cgroups/net_cls");
        assertEquals("net_cls needs cgroup v1: " + unified.mountPoint()
                + " is the cgroup v2 unified hierarchy, which has no net_cls controller",
                new NetClsIsolatorProvider().create(context).unavailableReason().orElse("ready"));
    }

    @Test
    void creatingTheIsolatorChangesNothingOnTheHost() throws Exception {
        corral.isolator.cgroups.TestCgroups.assumeRoot();
        List<String> before = cgroupMounts();
        TestContext context = TestContext.of(work, Map.of("corral.cgroups.cgroups_net_cls_primary_handle", "0x12"),
                "cgroups/net_cls");
        assertEquals("ready", new NetClsIsolatorProvider().create(context).toString());
        assertEquals(before, cgroupMounts(), "bin/agent isolators creates every isolator: creation must not mount");
    }

    /** The cgroup mounts only: other engineers' tests mount and unmount other things meanwhile. */
    private static List<String> cgroupMounts() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(" - cgroup")).toList();
    }

    private void assertReason(String message, String primary, String secondary) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("corral.cgroups.cgroups_net_cls_primary_handle", primary);
        if (secondary != null) {
            settings.put("corral.cgroups.cgroups_net_cls_secondary_handles", secondary);
        }
        TestContext context = TestContext.of(work, settings, "cgroups/net_cls");
        assertEquals(PREFIX + message,
                new NetClsIsolatorProvider().create(context).unavailableReason().orElse("ready"));
    }
}
