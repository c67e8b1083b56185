package dev.convoy.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoy.config.ConvoyConfig;
import dev.convoy.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** conf/emr-configurations.json makes every JVM of the cluster Java 21 and sets what the driver relies on. */
class EmrConfigurationsTest {

  private static final String JAVA_21 = "/usr/lib/jvm/java-21-amazon-corretto";

  private final JsonNode classifications = read();

  private static JsonNode read() {
    try {
      return new ObjectMapper().readTree(Files.readString(Path.of("conf/emr-configurations.json")));
    } catch (Exception e) {
      throw new AssertionError("conf/emr-configurations.json does not parse", e);
    }
  }

  private JsonNode classification(String name) {
    for (JsonNode c : classifications) if (c.path("Classification").asText().equals(name)) return c;
    throw new AssertionError("no classification " + name);
  }

  private String exported(String classification) {
    for (JsonNode c : classification(classification).path("Configurations")) {
      if (c.path("Classification").asText().equals("export")) return c.path("Properties").path("JAVA_HOME").asText();
    }
    return null;
  }

  @Test
  void sparkAndHadoopRunOnJava21SoDriverExecutorsAndTheApplicationMasterDo() {
    assertThat(exported("spark-env")).isEqualTo(JAVA_21);
    assertThat(exported("hadoop-env")).isEqualTo(JAVA_21);
    JsonNode defaults = classification("spark-defaults").path("Properties");
    assertThat(defaults.path("spark.executorEnv.JAVA_HOME").asText()).isEqualTo(JAVA_21);
    assertThat(defaults.path("spark.yarn.appMasterEnv.JAVA_HOME").asText()).isEqualTo(JAVA_21);
  }

  @Test
  void theDriverRunsTheCollectorLocalDriversRunAndExitsOnOutOfMemory() throws Exception {
    String collector = ChildJvm.driverCollector();
    // These replace EMR's own defaults for the driver: one collector (a second in extraJavaOptions
    // would stop the JVM at start), and the exit on an out-of-memory error a supervised step wants.
    List<String> options = List.of(classification("spark-defaults").path("Properties")
        .path("spark.driver.defaultJavaOptions").asText().split("\\s+"));
    assertThat(options).contains(collector, "-XX:+ExitOnOutOfMemoryError");
    assertThat(options.stream().filter(ChildJvm::namesCollector)).containsExactly(collector);
    assertThat(classification("spark-defaults").path("Properties").has("spark.driver.extraJavaOptions")).isFalse();
  }

  @Test
  void fairSchedulingWithTheDriversPoolsSpeculationOffAndTheConnectorOnTheClasspath() throws Exception {
    JsonNode defaults = classification("spark-defaults").path("Properties");
    assertThat(defaults.path("spark.scheduler.mode").asText()).isEqualTo("FAIR");
    assertThat(defaults.path("spark.speculation").asText()).isEqualTo("false");
    assertThat(defaults.path("spark.jars").asText()).contains("spark-streaming-sql-kinesis-connector.jar");
    // The driver writes its pools (one per job) to <control.stateDir>/fairscheduler.xml: both must agree.
    Map<String, String> env = new HashMap<>(Map.of("CONVOY_CHECKPOINT_ROOT", "s3://b/cp", "AWS_REGION", "eu-west-1",
        "CONVOY_REDSHIFT_URL", "jdbc:redshift://example:5439/analytics", "CONVOY_REDSHIFT_SECRET_ID", "convoy/redshift"));
    ConvoyConfig emr = ConvoyConfig.load(Path.of("conf/jobs.yaml"), env);
    assertThat(defaults.path("spark.scheduler.allocation.file").asText())
        .isEqualTo(emr.control().stateDir().resolve("fairscheduler.xml").toString());
  }
}
