package corral.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlagRegistryTest {

    static final ReferenceConf AGENT = ReferenceConf.parse("corral.agent", """
            corral.agent {
              # Comma-separated isolators.
              # Second line of help.
              isolation = "posix/cpu,posix/mem"
              # Where sandboxes live.
              work_dir = "/var/lib/corral"
              # A JSON value, optional.
              default_container_info = null
              # Grace period.
              executor_shutdown_grace_period = "5secs"
              port = 5051
              authenticate_http_readwrite = false
              # The config file.
              config = null
            }
            """);
    static final ReferenceConf DISK = ReferenceConf.parse("corral.isolator.disk", """
            corral.disk {
              # Kill containers over their quota.
              xfs_kill_containers = false
              # Gap between hard and soft limit.
              xfs_quota_headroom = "10MB"
              # Deliberately named like Mesos's alias target.
              effective_capabilities = null
            }
            """);

    @Test
    void everyLeafUnderASectionIsAFlagTypedByItsDefaultWithItsCommentAsHelp() {
        FlagRegistry registry = FlagRegistry.of(List.of(AGENT, DISK));

        Flag isolation = registry.flag("isolation").orElseThrow();
        assertEquals("corral.agent.isolation", isolation.path());
        assertEquals("corral.agent", isolation.module());
        assertEquals(Flag.Type.STRING, isolation.type());
        assertEquals("posix/cpu,posix/mem", isolation.defaultValue().orElseThrow());
        assertEquals("Comma-separated isolators. Second line of help.", isolation.help());

        assertEquals(Flag.Type.BOOLEAN, registry.flag("xfs_kill_containers").orElseThrow().type());
        assertEquals(Flag.Type.BYTES, registry.flag("xfs_quota_headroom").orElseThrow().type());
        assertEquals(Flag.Type.DURATION, registry.flag("executor_shutdown_grace_period").orElseThrow().type());
        assertEquals(Flag.Type.NUMBER, registry.flag("port").orElseThrow().type());
        assertEquals("corral.isolator.disk", registry.flag("xfs_quota_headroom").orElseThrow().module());
    }

    @Test
    void nullDefaultsAreOptionalFlagsWithoutDefault() {
        Flag info = FlagRegistry.of(List.of(AGENT)).flag("default_container_info").orElseThrow();
        assertTrue(info.defaultValue().isEmpty());
        assertEquals(Flag.Type.STRING, info.type());
        assertEquals("A JSON value, optional.", info.help());
    }

    @Test
    void flagsKeepDeclarationOrderWithinAModule() {
        List<String> names = FlagRegistry.of(List.of(AGENT, DISK)).flags().stream().map(Flag::name).toList();
        assertEquals(List.of("isolation", "work_dir", "default_container_info", "executor_shutdown_grace_period",
                "port", "authenticate_http_readwrite", "config", "xfs_kill_containers", "xfs_quota_headroom",
                "effective_capabilities"), names);
    }

    @Test
    void aFlagNameDeclaredByTwoModulesIsAnErrorNamingBoth() {
        ReferenceConf other = ReferenceConf.parse("acme.quota", """
                corral.acme {
                  xfs_kill_containers = true
                }
                """);
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> FlagRegistry.of(List.of(AGENT, DISK, other)));
        assertEquals(List.of("Flag 'xfs_kill_containers' is declared twice: as 'corral.disk.xfs_kill_containers' by "
                + "module 'corral.isolator.disk' and as 'corral.acme.xfs_kill_containers' by module 'acme.quota'"),
                e.problems());
    }

    @Test
    void keysThatCannotBeFlagNamesAreRefused() {
        ReferenceConf bad = ReferenceConf.parse("acme", "corral.acme { Kill-All = true }");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> FlagRegistry.of(List.of(bad)));
        assertTrue(e.problems().get(0).contains("'corral.acme.Kill-All' cannot be a flag"), e.problems().toString());
    }

    @Test
    void keysOutsideCorralAreNotFlags() {
        ReferenceConf lib = ReferenceConf.parse("some.lib", "some-lib { threads = 4 }");
        FlagRegistry registry = FlagRegistry.of(List.of(AGENT, lib));
        assertFalse(registry.flag("threads").isPresent());
        assertEquals(4, registry.defaults().getInt("some-lib.threads"));
    }

    @Test
    void theRealReferenceFilesDeclareEveryFlagOnceWithHelp() {
        // the build-time check: every module on the test path (boot layer and class path) together
        FlagRegistry registry = FlagRegistry.of(ReferenceConf.bootLayer());
        for (String name : List.of("isolation", "work_dir", "runtime_dir", "modules_dir", "launcher", "image_providers",
                "default_container_info", "executor_shutdown_grace_period", "ip", "port",
                "authenticate_http_readwrite", "http_credentials", "network_cni_plugins_dir",
                "network_cni_config_dir", "config")) {
            Flag flag = registry.flag(name).orElseThrow(() -> new AssertionError("no flag --" + name));
            assertEquals("corral.agent." + name, flag.path());
            assertFalse(flag.help().isBlank(), "--" + name + " has no help text");
        }
        assertEquals("/var/lib/corral", registry.flag("work_dir").orElseThrow().defaultValue().orElseThrow());
        assertEquals("/var/run/corral", registry.flag("runtime_dir").orElseThrow().defaultValue().orElseThrow());
        assertEquals("auto", registry.flag("launcher").orElseThrow().defaultValue().orElseThrow());
        for (Flag flag : registry.flags()) {
            assertFalse(flag.help().isBlank(), "--" + flag.name() + " of " + flag.module() + " has no help text");
        }
    }
}
