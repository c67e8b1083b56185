package dev.convoy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoy.config.ConfigException;
import dev.convoy.config.ConvoyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step restart resumes what was applied live, unless the start file changed since. */
class KeptConfigTest {

  private static final Map<String, String> ENV = Map.of("USER", "tester");

  @TempDir Path work;

  private String config(String trigger) {
    return """
        redshift: { url: "jdbc:redshift://127.0.0.1:6432/convoy?ssl=false" }
        control: { stateDir: %s }
        jobs:
          - { name: a, stream: s, eventType: sent, table: t_a, trigger: %s }
        """.formatted(work.resolve("state"), trigger);
  }

  @Test
  void aStepRestartFromTheSameFileResumesWhatWasAppliedAndANewFileWins() throws Exception {
    Path file = work.resolve("jobs.yaml");
    Files.writeString(file, config("10s"));
    assertThat(RunCommand.chooseConfig(file, ENV).jobs().getFirst().trigger()).isEqualTo(Duration.ofSeconds(10));
    KeptConfig kept = new KeptConfig(work.resolve("state"));

    kept.applied(config("30s")); // what bin/convoy apply does on the driver

    assertThat(RunCommand.chooseConfig(file, ENV).jobs().getFirst().trigger()).as("same start file").isEqualTo(Duration.ofSeconds(30));
    assertThat(RunCommand.chooseConfig(file, ENV).jobs().getFirst().trigger()).as("and again").isEqualTo(Duration.ofSeconds(30));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept.file()))).isEqualTo("rw-------");

    Files.writeString(file, config("1m")); // a new deploy
    ConvoyConfig afterDeploy = RunCommand.chooseConfig(file, ENV);
    assertThat(afterDeploy.jobs().getFirst().trigger()).isEqualTo(Duration.ofMinutes(1));
    assertThat(Files.readString(kept.file())).isEqualTo(config("1m"));
  }

  @Test
  void anAppliedConfigThatNoLongerValidatesSaysWhichFileToRemove() throws Exception {
    Path file = work.resolve("jobs.yaml");
    Files.writeString(file, config("10s"));
    RunCommand.chooseConfig(file, ENV);
    new KeptConfig(work.resolve("state")).applied(config("10s").replace("trigger: 10s", "trigger: soon"));

    assertThatThrownBy(() -> RunCommand.chooseConfig(file, ENV)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("applied live").hasMessageContaining(work.resolve("state").resolve(KeptConfig.TEXT).toString())
        .hasMessageContaining("'trigger'");
  }
}
