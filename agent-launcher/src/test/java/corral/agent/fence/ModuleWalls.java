package corral.agent.fence;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.List;

/** The walls between modules that Maven dependencies alone do not keep. */
final class ModuleWalls {

    static final ArchRule ISOLATORS_DO_NOT_USE_THE_AGENT = noClasses().that().resideInAPackage("corral.isolator..")
            .should().dependOnClassesThat().resideInAPackage("corral.agent..")
            .as("no isolator module uses the agent")
            .because("isolators see the agent only through the SPI, so that third parties can build against it alone");

    static final ArchRule ISOLATOR_MODULES_ARE_INDEPENDENT = SlicesRuleDefinition.slices()
            .matching("corral.isolator.(*)..").should().notDependOnEachOther()
            .ignoreDependency(DescribedPredicate.alwaysTrue(),
                    JavaClass.Predicates.resideInAnyPackage("corral.isolator.spi..", "corral.isolator.cgroups.."))
            .as("isolator modules use only the SPI and the cgroups support library, never each other");

    static final List<ArchRule> ALL = List.of(ISOLATORS_DO_NOT_USE_THE_AGENT, ISOLATOR_MODULES_ARE_INDEPENDENT);

    private ModuleWalls() {
    }
}
