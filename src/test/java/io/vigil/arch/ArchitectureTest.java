package io.vigil.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/** Build-time rules of the design (issue 11), run in CI with the other tests. */
class ArchitectureTest {
    private static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.vigil");
    }

    @Test
    void theCoreUsesNoIoThreadsOrClocks() {
        ArchRule rule = classes().that().resideInAPackage("io.vigil.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.vigil.core..", "java.lang", "java.util",
                        "java.util.function", "java.util.random", "java.util.stream", "java.lang.invoke",
                        "java.lang.runtime", "java.lang.constant", "java.lang.reflect", "java.lang.annotation")
                .because("the decisions are a pure state machine: time, randomness and the world are injected");
        rule.check(product);
    }

    /** Core classes stay small enough to read in one sitting: no exceptions (issue 11 split Node). */
    @Test
    void coreClassesStaySmall() throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(
                java.nio.file.Path.of("src/main/java/io/vigil/core"))) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                long lines = java.nio.file.Files.readAllLines(f).size();
                org.assertj.core.api.Assertions.assertThat(lines).as("%s: lines", f).isLessThanOrEqualTo(400);
            }
        }
    }

    /** Benchmarks and fuzz entry points ship in vigil-bench.jar, not in a node's vigil.jar (pom.xml). */
    @Test
    void noProductClassNeedsTheBenchmarkJar() {
        classes().that().resideOutsideOfPackage("io.vigil.bench..")
                .and().doNotHaveSimpleName("AdminFuzzEntry").and().doNotHaveSimpleName("ConsoleFuzzEntry")
                .and().doNotHaveSimpleName("HostileSource")
                .should().onlyDependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.not(
                        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("io.vigil.bench..")
                                .or(com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName("AdminFuzzEntry"))
                                .or(com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName("ConsoleFuzzEntry"))
                                .or(com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName("HostileSource"))))
                .check(product);
    }

    @Test
    void noPackageCycles() {
        SlicesRuleDefinition.slices().matching("io.vigil.(*)..").should().beFreeOfCycles().check(product);
    }
}
