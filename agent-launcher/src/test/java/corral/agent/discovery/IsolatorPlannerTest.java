package corral.agent.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import corral.agent.config.ConfigurationException;
import corral.isolator.spi.Creation;
import corral.isolator.spi.IsolatorContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsolatorPlannerTest {

    private static Config config(String isolation) {
        return ConfigFactory.parseString("""
                corral.agent { work_dir = /srv/work, runtime_dir = /run/corral-test, launcher = auto,
                  executor_shutdown_grace_period = 5secs, ip = "127.0.0.1", port = 5051,
                  authenticate_http_readwrite = false, acme_level = 3 }
                """).withFallback(ConfigFactory.parseMap(java.util.Map.of("corral.agent.isolation", isolation)))
                .resolve();
    }

    @Test
    void createsEveryIsolatorInOrderWithItsOwnContext() {
        FixtureProvider audit = new FixtureProvider("acme/audit", null);
        FixtureProvider xfs = new FixtureProvider("disk/xfs", null);
        IsolatorCatalog catalog = IsolatorCatalog.of(List.of(
                FixtureProvider.discovered(audit, Origin.PLUGIN, "acme.audit"),
                FixtureProvider.discovered(xfs, Origin.BUILTIN, "corral.isolator.disk")));

        IsolatorPlan plan = new IsolatorPlanner(config("acme/audit,disk/xfs"), catalog, true).plan(new ArrayList<>());

        assertEquals(List.of("disk/xfs", "acme/audit"), plan.isolators().stream().map(PlannedIsolator::id).toList());
        assertEquals(Origin.PLUGIN, plan.isolators().get(1).origin());
        assertEquals("acme.audit", plan.isolators().get(1).module());
        IsolatorContext context = audit.contexts.get(0);
        assertEquals(Path.of("/run/corral-test/isolators/acme_audit"), context.stateDir());
        assertEquals(Path.of("/srv/work"), context.workDir());
        assertEquals(Path.of("/run/corral-test"), context.runtimeDir());
        assertEquals(List.of("filesystem/posix", "disk/xfs", "acme/audit"), context.isolation());
        assertEquals(3, context.config().getInt("corral.agent.acme_level"));
        assertTrue(context.isRoot());
    }

    @Test
    void unavailableIsolatorsAreStartupErrorsAllReportedTogether() {
        IsolatorCatalog catalog = IsolatorCatalog.of(List.of(
                FixtureProvider.discovered(new FixtureProvider("disk/xfs", "work_dir is not on XFS"), Origin.BUILTIN,
                        "corral.isolator.disk"),
                FixtureProvider.discovered(new FixtureProvider("namespaces/pid", "needs root"), Origin.BUILTIN,
                        "corral.isolator.namespaces")));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new IsolatorPlanner(config("disk/xfs,namespaces/pid"), catalog, false).plan(new ArrayList<>()));
        assertEquals(List.of("Failed to create isolator 'namespaces/pid': needs root",
                "Failed to create isolator 'disk/xfs': work_dir is not on XFS"), e.problems());
    }

    @Test
    void aProviderThatThrowsIsReportedAsItsBugNotAsACrash() {
        FixtureProvider broken = new FixtureProvider("acme/broken", null) {
            @Override
            public Creation create(IsolatorContext context) {
                throw new IllegalStateException("boom");
            }
        };
        IsolatorCatalog catalog = IsolatorCatalog.of(List.of(FixtureProvider.discovered(broken, Origin.PLUGIN,
                "acme.broken")));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new IsolatorPlanner(config("acme/broken"), catalog, false).plan(new ArrayList<>()));
        assertEquals(List.of("Failed to create isolator 'acme/broken': the provider in module 'acme.broken' failed "
                + "(a bug in it): java.lang.IllegalStateException: boom"), e.problems());
    }
}
