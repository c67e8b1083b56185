package dev.convoy;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependencies point one way (docs/architecture.md draws the graph): {@code app} wires
 * everything and nothing depends on it; {@code config} maps YAML onto the domain types (and compares
 * two configs into a {@code plan.Plan}) and only {@code app} reads it; {@code control} knows the driver only
 * through its {@code Jobs} interface; the stages never reach the warehouse.
 */
class ArchitectureTest {

  private static final JavaClasses CONVOY = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.convoy");

  @Test
  void packagesFormNoCycle() {
    slices().matching("dev.convoy.(*)..").should().beFreeOfCycles().check(CONVOY);
  }

  @Test
  void onlyTheApplicationDependsOnTheApplication() {
    noClasses().that().resideOutsideOfPackage("dev.convoy.app..").should().dependOnClassesThat().resideInAPackage("dev.convoy.app..")
        .check(CONVOY);
  }

  @Test
  void nothingButTheApplicationReadsTheConfig() {
    noClasses().that().resideOutsideOfPackages("dev.convoy.config..", "dev.convoy.app..")
        .should().dependOnClassesThat().resideInAPackage("dev.convoy.config..").check(CONVOY);
  }

  @Test
  void theControlEndpointKnowsTheDriverOnlyThroughItsInterface() {
    noClasses().that().resideInAPackage("dev.convoy.control..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.convoy.run..", "dev.convoy.app..", "dev.convoy.config..").check(CONVOY);
  }

  @Test
  void theDriverKnowsJobsNotConfigs() {
    noClasses().that().resideInAPackage("dev.convoy.run..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.convoy.config..", "dev.convoy.plan..", "dev.convoy.app..").check(CONVOY);
  }

  @Test
  void stagesOpenNoWarehouseConnection() {
    // java.sql.Timestamp is Spark's timestamp type, so the rule names connections, not the package.
    noClasses().that().resideInAnyPackage("dev.convoy.transform..", "dev.convoy.source..", "dev.convoy.events..")
        .should().dependOnClassesThat(assignableTo(java.sql.Connection.class).or(assignableTo(java.sql.DriverManager.class))
            .or(assignableTo(javax.sql.DataSource.class)).or(assignableTo(dev.convoy.sink.Warehouse.class))
            .or(assignableTo(dev.convoy.sink.UpsertSink.class)))
        .check(CONVOY);
  }

  @Test
  void leavesDependOnNoOtherConvoyPackage() {
    for (String leaf : new String[] {"dev.convoy.backoff..", "dev.convoy.time..", "dev.convoy.errors.."}) {
      noClasses().that().resideInAPackage(leaf).should().dependOnClassesThat().resideOutsideOfPackages("java..", leaf).check(CONVOY);
    }
    noClasses().that().resideInAPackage("dev.convoy.cli..").should().dependOnClassesThat()
        .resideOutsideOfPackages("java..", "dev.convoy.cli..", "dev.convoy.errors..").check(CONVOY);
  }

  @Test
  void onlyMainEndsTheProcessAndOnlyWithACommandsExitCode() {
    noClasses().that().doNotHaveFullyQualifiedName("dev.convoy.app.Main").should().callMethod(System.class, "exit", int.class).check(CONVOY);
  }
}
