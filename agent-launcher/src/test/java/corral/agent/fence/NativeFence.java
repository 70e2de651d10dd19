package corral.agent.fence;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;

/** The rules that keep native code inside the bindings packages. JPMS cannot: jnr-ffi needs them exported. */
final class NativeFence {

    static final String BINDINGS = "..bindings..";
    static final String[] JNR = {"jnr..", "com.kenai.."};

    static final ArchRule ONLY_BINDINGS_USE_JNR = noClasses().that().resideOutsideOfPackage(BINDINGS)
            .should().dependOnClassesThat().resideInAnyPackage(JNR)
            .as("only ..bindings.. packages use jnr-ffi")
            .because("native calls are made in one fenced place, where errno becomes a typed exception");

    static final ArchRule NO_JNI = methods().should().notHaveModifier(JavaModifier.NATIVE)
            .as("no class declares a native method")
            .because("native code goes through jnr-ffi in the bindings module, never JNI");

    static final ArchRule NO_FOREIGN_API = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("java.lang.foreign..", "jdk.incubator.foreign..")
            .as("no class uses the foreign function and memory API")
            .because("native code goes through jnr-ffi in the bindings module");

    static final ArchRule NO_JNR_IN_PUBLIC_SIGNATURES = classes().that().resideOutsideOfPackage(BINDINGS)
            .and().arePublic().should(keepJnrOutOfPublicSignatures())
            .as("no jnr-ffi type appears in a public signature outside ..bindings..")
            .because("callers of an API must never need jnr-ffi to use it");

    static final List<ArchRule> ALL = List.of(ONLY_BINDINGS_USE_JNR, NO_JNI, NO_FOREIGN_API,
            NO_JNR_IN_PUBLIC_SIGNATURES);

    private NativeFence() {
    }

    private static ArchCondition<JavaClass> keepJnrOutOfPublicSignatures() {
        DescribedPredicate<JavaClass> jnr = JavaClass.Predicates.resideInAnyPackage(JNR);
        return new ArchCondition<>("keep jnr-ffi types out of public signatures") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                List<String> leaks = new ArrayList<>();
                for (JavaCodeUnit unit : item.getCodeUnits()) {
                    if (!unit.getModifiers().contains(JavaModifier.PUBLIC)) {
                        continue;
                    }
                    List<JavaType> types = new ArrayList<>(unit.getParameterTypes());
                    types.add(unit.getReturnType());
                    for (JavaType type : types) {
                        type.getAllInvolvedRawTypes().stream().filter(jnr).forEach(t -> leaks.add(unit.getFullName()
                                + " uses " + t.getName()));
                    }
                }
                for (JavaField field : item.getFields()) {
                    if (field.getModifiers().contains(JavaModifier.PUBLIC)) {
                        field.getType().getAllInvolvedRawTypes().stream().filter(jnr)
                                .forEach(t -> leaks.add(field.getFullName() + " has type " + t.getName()));
                    }
                }
                leaks.forEach(l -> events.add(SimpleConditionEvent.violated(item, l)));
            }
        };
    }
}
