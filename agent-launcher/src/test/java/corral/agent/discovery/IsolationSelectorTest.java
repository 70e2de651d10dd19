package corral.agent.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import corral.agent.config.AgentSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IsolationSelectorTest {

    static final IsolatorCatalog CATALOG = IsolatorCatalog.of(List.of(
            FixtureProvider.plugin("acme/audit", "acme.audit"),
            FixtureProvider.builtin("disk/xfs"),
            FixtureProvider.builtin("namespaces/pid"),
            FixtureProvider.builtin("filesystem/linux"),
            FixtureProvider.builtin("filesystem/shared"),
            FixtureProvider.builtin("cgroups/net_cls"),
            FixtureProvider.builtin("docker/runtime"),
            FixtureProvider.builtin("linux/capabilities"),
            FixtureProvider.builtin("posix/cpu"),
            FixtureProvider.builtin("posix/mem"),
            FixtureProvider.builtin("disk/du"),
            FixtureProvider.builtin("cgroups/cpu"),
            FixtureProvider.builtin("cgroups/mem"),
            FixtureProvider.plugin("acme/zebra", "acme.zebra")));

    static AgentSettings settings(Map<String, Object> flags) {
        return AgentSettings.from(ConfigFactory.parseMap(flags).withFallback(ConfigFactory.parseString("""
                corral.agent { isolation = "posix/cpu,posix/mem", work_dir = /w, runtime_dir = /r, launcher = auto,
                  executor_shutdown_grace_period = 5secs, ip = "127.0.0.1", port = 5051,
                  authenticate_http_readwrite = false }
                """)).resolve());
    }

    static IsolationSelector.Selection select(String isolation) {
        return IsolationSelector.select(settings(Map.of("corral.agent.isolation", isolation)), CATALOG);
    }

    static IsolationSelector.Selection select(String isolation, String imageProviders) {
        return IsolationSelector.select(settings(Map.of("corral.agent.isolation", isolation,
                "corral.agent.image_providers", imageProviders)), CATALOG);
    }

    @Test
    void builtinsFollowMesossTableAndPluginsComeLastInFlagOrder() {
        IsolationSelector.Selection s = select(
                "acme/zebra,disk/xfs,acme/audit,namespaces/pid,filesystem/linux,cgroups/net_cls,linux/capabilities,"
                        + "docker/runtime,posix/mem,posix/cpu");
        assertEquals(List.of(), s.problems());
        assertEquals(List.of("filesystem/linux", "posix/cpu", "posix/mem", "cgroups/net_cls", "docker/runtime",
                "linux/capabilities", "namespaces/pid", "disk/xfs", "acme/zebra", "acme/audit"),
                s.isolators().stream().map(DiscoveredIsolator::id).toList());
        assertEquals(s.isolators().stream().map(DiscoveredIsolator::id).toList(), s.isolation());
    }

    @Test
    void withoutAFilesystemIsolatorFilesystemPosixIsAddedEvenWithoutProvider() {
        IsolationSelector.Selection s = select("disk/du");
        assertEquals(List.of(), s.problems());
        assertEquals(List.of("filesystem/posix", "disk/du"), s.isolation());
        assertEquals(List.of("disk/du"), s.isolators().stream().map(DiscoveredIsolator::id).toList());
    }

    @Test
    void duplicatesAreRefusedWithMesossMessage() {
        assertEquals(List.of("Duplicate entries found in --isolation flag '[ posix/cpu, disk/du, posix/cpu ]'"),
                select("posix/cpu,disk/du,posix/cpu").problems());
    }

    @Test
    void deprecatedNamesAreReplacedWithAWarning() {
        IsolationSelector.Selection s = select("process,posix/disk");
        assertEquals(List.of(), s.problems());
        assertEquals(List.of("filesystem/posix", "posix/cpu", "posix/mem", "disk/du"), s.isolation());
        assertEquals(List.of(
                "The 'process' isolation flag is deprecated, please update your flags to "
                        + "'--isolation=posix/cpu,posix/mem,disk/du'.",
                "The 'posix/disk' isolation flag is deprecated, please update your flags to "
                        + "'--isolation=posix/cpu,posix/mem,disk/du'."), s.warnings());
        assertEquals(List.of("filesystem/posix", "cgroups/cpu", "cgroups/mem"), select("cgroups").isolation());
    }

    @Test
    void twoFilesystemIsolatorsAreRefused() {
        assertEquals(List.of("Using multiple filesystem isolators simultaneously is disallowed"),
                select("filesystem/linux,filesystem/shared").problems());
    }

    @Test
    void unknownIsolatorsAreNamedWithTheAvailableOnes() {
        List<String> problems = select("nope/x,posix/cpu").problems();
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("Unknown or unsupported isolator 'nope/x' (available: acme/audit, "
                + "acme/zebra, cgroups/cpu, cgroups/mem, cgroups/net_cls, disk/du, disk/xfs"), problems.get(0));
    }

    @Test
    void imageProvidersNeedFilesystemLinuxAndDockerRuntimeByExactName() {
        assertEquals(List.of(), select("filesystem/linux,docker/runtime", "docker").problems());
        assertEquals(List.of(), select("filesystem/linux,docker/runtime", "DOCKER").problems());
        assertEquals(List.of(
                "The 'filesystem/linux' isolator must be enabled for container image support",
                "Docker runtime isolator has to be specified if 'DOCKER' is included in 'image_providers'. "
                        + "Please add 'docker/runtime' to '--isolation' flags"),
                select("posix/cpu", "docker").problems());
        assertEquals(List.of("Unknown image type 'appc'"), select("filesystem/linux,docker/runtime", "docker,appc")
                .problems());
    }

    @Test
    void aPluginWhoseNameContainsDockerRuntimeDoesNotSatisfyTheCheck() {
        IsolatorCatalog catalog = IsolatorCatalog.of(List.of(FixtureProvider.builtin("filesystem/linux"),
                FixtureProvider.plugin("x_docker/runtime_y", "acme.x")));
        List<String> problems = IsolationSelector.select(settings(Map.of("corral.agent.isolation",
                "filesystem/linux,x_docker/runtime_y", "corral.agent.image_providers", "docker")), catalog).problems();
        assertEquals(List.of("Docker runtime isolator has to be specified if 'DOCKER' is included in "
                + "'image_providers'. Please add 'docker/runtime' to '--isolation' flags"), problems);
    }

    @Test
    void anUnknownLauncherIsRefused() {
        assertEquals(List.of("Unknown or unsupported launcher: lxc"), IsolationSelector.select(settings(Map.of(
                "corral.agent.launcher", "lxc")), CATALOG).problems());
    }

    @Test
    void twoProvidersOfOneIdStopTheAgentNamingBothModules() {
        IsolatorCatalog catalog = IsolatorCatalog.of(List.of(FixtureProvider.builtin("disk/xfs"),
                FixtureProvider.plugin("disk/xfs", "acme.xfs")));
        List<String> problems = IsolationSelector.select(settings(Map.of("corral.agent.isolation", "posix/cpu")),
                catalog).problems();
        assertEquals("Isolator 'disk/xfs' is provided by more than one module: 'corral.fixture' "
                + "(/fixtures/corral.fixture.jar) and 'acme.xfs' (/fixtures/acme.xfs.jar); remove all but one",
                problems.get(0));
        assertTrue(catalog.find("disk/xfs").isEmpty(), "neither claim wins");
    }
}
