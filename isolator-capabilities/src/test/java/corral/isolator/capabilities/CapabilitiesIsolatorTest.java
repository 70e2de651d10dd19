package corral.isolator.capabilities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import corral.isolator.spi.Creation;
import corral.isolator.spi.Isolator;
import corral.isolator.spi.IsolatorException;
import corral.isolator.spi.IsolatorProvider;
import corral.isolator.spi.MesosJson;
import corral.isolator.spi.mesos.CapabilityInfo;
import corral.isolator.spi.mesos.CommandInfo;
import corral.isolator.spi.mesos.ContainerID;
import corral.isolator.spi.mesos.ContainerInfo;
import corral.isolator.spi.mesos.LinuxInfo;
import corral.isolator.spi.mesos.slave.ContainerConfig;
import corral.isolator.spi.mesos.slave.ContainerLaunchInfo;
import corral.isolator.testkit.TestContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision procedure of Mesos's linux/capabilities (reference §3.7), row by row of its
 * LinuxCapabilitiesIsolatorTest table (§6.7), at the level of what prepare declares.
 */
class CapabilitiesIsolatorTest {

    private static final String PING = "NET_RAW,NET_ADMIN,DAC_READ_SEARCH";

    @TempDir
    Path work;

    private Creation create(String effective, String bounding) {
        Map<String, Object> settings = new HashMap<>();
        if (effective != null) {
            settings.put("corral.capabilities.effective_capabilities", json(effective));
        }
        if (bounding != null) {
            settings.put("corral.capabilities.bounding_capabilities", json(bounding));
        }
        getClass().getModule().addUses(IsolatorProvider.class);
        IsolatorProvider provider = ServiceLoader.load(IsolatorProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.id().equals("linux/capabilities")).findFirst()
                .orElseThrow();
        return provider.create(TestContext.of(work, settings, "linux/capabilities"));
    }

    private Isolator isolator(String effective, String bounding) {
        assumeTrue(TestContext.of(work, Map.of()).isRoot(), "linux/capabilities needs root");
        Creation c = create(effective, bounding);
        return c.isolator().orElseThrow(() -> new AssertionError(c.toString()));
    }

    /** @param names comma-separated capability names, "" for the empty set */
    private static String json(String names) {
        StringBuilder out = new StringBuilder("{\"capabilities\":[");
        if (!names.isEmpty()) {
            for (String n : names.split(",")) {
                out.append(out.charAt(out.length() - 1) == '[' ? "" : ",").append('"').append(n).append('"');
            }
        }
        return out.append("]}").toString();
    }

    private static CapabilityInfo info(String names) {
        return MesosJson.parse(json(names), CapabilityInfo.newBuilder()).build();
    }

    /** @return the set in kernel order, as prepare declares it */
    private static CapabilityInfo ordered(String names) {
        return CapabilitySet.of(info(names)).toInfo();
    }

    private static ContainerConfig config(String effective, String bounding) {
        LinuxInfo.Builder linux = LinuxInfo.newBuilder();
        if (effective != null) {
            linux.setEffectiveCapabilities(info(effective));
        }
        if (bounding != null) {
            linux.setBoundingCapabilities(info(bounding));
        }
        return ContainerConfig.newBuilder().setCommandInfo(CommandInfo.newBuilder().setValue("ping -c 1 127.0.0.1"))
                .setDirectory("/tmp")
                .setContainerInfo(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS).setLinuxInfo(linux))
                .build();
    }

    private static final ContainerID ID = ContainerID.newBuilder().setValue("c1").build();

    /** Asserts what prepare declares: effective/bounding sets in kernel order, null for "not set". */
    private void row(String fwEff, String fwBnd, String opEff, String opBnd, String declaredEff, String declaredBnd) {
        Optional<ContainerLaunchInfo> info = isolator(opEff, opBnd).prepare(ID, config(fwEff, fwBnd));
        if (declaredBnd == null) {
            assertTrue(info.isEmpty(), "nothing declared");
            return;
        }
        ContainerLaunchInfo launch = info.orElseThrow();
        assertEquals(ordered(declaredBnd), launch.getBoundingCapabilities());
        assertEquals(declaredEff != null, launch.hasEffectiveCapabilities());
        if (declaredEff != null) {
            assertEquals(ordered(declaredEff), launch.getEffectiveCapabilities());
        }
    }

    private void rejected(String fwEff, String fwBnd, String opEff, String opBnd, String message) {
        IsolatorException e = assertThrows(IsolatorException.class,
                () -> isolator(opEff, opBnd).prepare(ID, config(fwEff, fwBnd)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void mesosPingTableRows() {
        // (fw eff, fw bnd, op eff, op bnd) => declared (eff, bnd), or the launch is rejected
        row("", null, null, null, "", "");
        row("DAC_READ_SEARCH", null, "CHOWN,DAC_READ_SEARCH", "CHOWN,DAC_READ_SEARCH",
                "DAC_READ_SEARCH", "CHOWN,DAC_READ_SEARCH");
        rejected(PING, "", null, null,
                "Requested capabilities '{ DAC_READ_SEARCH, NET_ADMIN, NET_RAW }', but only '{  }' are allowed");
        rejected(PING, "CHOWN", null, null,
                "Requested capabilities '{ DAC_READ_SEARCH, NET_ADMIN, NET_RAW }', but only '{ CHOWN }' are allowed");
        row(null, null, "CHOWN,DAC_READ_SEARCH", "CHOWN,DAC_READ_SEARCH", "CHOWN,DAC_READ_SEARCH",
                "CHOWN,DAC_READ_SEARCH");
        row(null, null, null, "CHOWN,DAC_READ_SEARCH", null, "CHOWN,DAC_READ_SEARCH");
        row("CHOWN,DAC_READ_SEARCH", null, null, null, "CHOWN,DAC_READ_SEARCH", "CHOWN,DAC_READ_SEARCH");
        row("CHOWN,DAC_READ_SEARCH", "CHOWN,DAC_READ_SEARCH", null, null, "CHOWN,DAC_READ_SEARCH",
                "CHOWN,DAC_READ_SEARCH");
        rejected("NET_RAW,NET_ADMIN", null, "CHOWN", "CHOWN",
                "Requested capabilities '{ NET_ADMIN, NET_RAW }', but only '{ CHOWN }' are allowed");
        row("DAC_READ_SEARCH", PING, null, null, "DAC_READ_SEARCH", "DAC_READ_SEARCH,NET_ADMIN,NET_RAW");
        row(PING, null, null, null, PING, PING);
        row(PING, PING, null, null, PING, PING);
        row(null, null, PING, PING, PING, PING);
        row(null, null, null, PING, null, PING);
        row(null, PING, null, null, null, PING);
        row(PING, null, PING, PING, PING, PING);
    }

    @Test
    void noRequestAndNoFlagsDeclareNothing() {
        row(null, null, null, null, null, null);
        assertTrue(isolator(null, null).prepare(ID, ContainerConfig.newBuilder()
                .setCommandInfo(CommandInfo.newBuilder().setValue("true")).setDirectory("/tmp").build()).isEmpty());
    }

    @Test
    void theOperatorsEffectiveSetIsOnlyADefault() {
        // without an operator bounding set, a framework may ask for more than the default
        row("NET_RAW", null, "CHOWN", null, "NET_RAW", "NET_RAW");
        row(null, null, "CHOWN", null, "CHOWN", "CHOWN");
    }

    @Test
    void frameworkBoundingMustFitTheOperatorsBounding() {
        rejected(null, "NET_RAW,SYS_ADMIN", null, "NET_RAW",
                "Bounding capabilities '{ NET_RAW, SYS_ADMIN }', but only '{ NET_RAW }' are allowed");
        row(null, "NET_RAW", null, "NET_RAW,SYS_ADMIN", null, "NET_RAW");
    }

    @Test
    void deprecatedCapabilityInfoCountsAsEffectiveButNotBoth() {
        ContainerConfig deprecated = config(null, null).toBuilder().setContainerInfo(ContainerInfo.newBuilder()
                .setType(ContainerInfo.Type.MESOS).setLinuxInfo(LinuxInfo.newBuilder().setCapabilityInfo(info("MKNOD"))))
                .build();
        ContainerLaunchInfo launch = isolator(null, null).prepare(ID, deprecated).orElseThrow();
        assertEquals(info("MKNOD"), launch.getEffectiveCapabilities());
        ContainerConfig both = config("NET_RAW", null).toBuilder()
                .setContainerInfo(config("NET_RAW", null).getContainerInfo().toBuilder()
                        .setLinuxInfo(config("NET_RAW", null).getContainerInfo().getLinuxInfo().toBuilder()
                                .setCapabilityInfo(info("MKNOD"))))
                .build();
        IsolatorException e = assertThrows(IsolatorException.class, () -> isolator(null, null).prepare(ID, both));
        assertEquals("Only one of 'capability_info' or 'effective_capabilities' is allowed", e.getMessage());
    }

    @Test
    void setsAreDeclaredInKernelOrderWithoutDuplicates() {
        ContainerLaunchInfo launch = isolator(null, null).prepare(ID, config("SYS_ADMIN,CHOWN,CHOWN,NET_RAW", null))
                .orElseThrow();
        assertEquals(info("CHOWN,NET_RAW,SYS_ADMIN"), launch.getEffectiveCapabilities());
    }

    @Test
    void isolatorFlagsAreCheckedAtStart() {
        // LinuxCapabilitiesIsolatorFlagsTest.ROOT_IsolatorFlags
        assertEquals("Allowed capabilities are not a subset of the bounding capabilites",
                create("NET_RAW,NET_ADMIN", "NET_RAW").unavailableReason().orElse("ready"));
        isolator("NET_RAW", "NET_RAW");
        isolator("NET_RAW", "NET_RAW,NET_ADMIN");
        isolator(null, null);
        isolator("NET_RAW", null);
        isolator(null, "NET_RAW");
        isolator("", "");
    }

    @Test
    void aBadFlagValueNamesTheFlagAndValue() {
        Map<String, Object> settings = Map.of("corral.capabilities.bounding_capabilities",
                "{\"capabilities\":[\"NET_RAWW\"]}");
        Creation c = new CapabilitiesIsolatorProvider().create(TestContext.of(work, settings, "linux/capabilities"));
        String reason = c.unavailableReason().orElse("ready");
        assertTrue(reason.startsWith("Invalid value '{\"capabilities\":[\"NET_RAWW\"]}' for flag --bounding_capabilities: "),
                reason);
        assertTrue(reason.contains("NET_RAWW"), reason);
        Creation unknown = new CapabilitiesIsolatorProvider().create(TestContext.of(work,
                Map.of("corral.capabilities.effective_capabilities", "{\"capabilities\":[\"UNKNOWN\"]}")));
        assertTrue(unknown.unavailableReason().orElse("ready").contains("--effective_capabilities"),
                unknown.toString());
        Creation notJson = new CapabilitiesIsolatorProvider().create(TestContext.of(work,
                Map.of("corral.capabilities.effective_capabilities", "NET_RAW")));
        assertTrue(notJson.unavailableReason().orElse("ready")
                .startsWith("Invalid value 'NET_RAW' for flag --effective_capabilities: "), notJson.toString());
    }

    @Test
    void aConfigFileMayWriteTheObjectItself() {
        assumeTrue(TestContext.of(work, Map.of()).isRoot(), "linux/capabilities needs root");
        Map<String, Object> settings = Map.of("corral.capabilities.bounding_capabilities",
                Map.of("capabilities", java.util.List.of("NET_RAW")));
        Isolator isolator = new CapabilitiesIsolatorProvider().create(TestContext.of(work, settings)).isolator()
                .orElseThrow();
        assertEquals(info("NET_RAW"), isolator.prepare(ID, config(null, null)).orElseThrow().getBoundingCapabilities());
    }

    @Test
    void rootIsRequired() {
        TestContext root = TestContext.of(work, Map.of());
        TestContext user = root.withRoot(false);
        assertEquals("Linux capabilities isolator requires root permissions",
                new CapabilitiesIsolatorProvider().create(user).unavailableReason().orElse("ready"));
    }

    @Test
    void capEffIsReadFromProcStatus() {
        assertEquals(0x1fffeffffffL, CapabilitiesIsolatorProvider.capEff("Name:\tx\nCapInh:\t0000000000000000\n"
                + "CapEff:\t000001fffeffffff\nCapBnd:\t0\n"));
        assertEquals(0L, CapabilitiesIsolatorProvider.capEff("CapEff:\t0000000000000000\n"));
    }

    @Test
    void nestingAndStandaloneAreSupported() {
        Isolator isolator = isolator(null, null);
        assertTrue(isolator.supportsNesting());
        assertTrue(isolator.supportsStandalone());
    }
}
