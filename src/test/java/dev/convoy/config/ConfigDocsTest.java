package dev.convoy.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoy.time.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's config tables are the keys' declarations, and the declared defaults are what the parser fills in. */
class ConfigDocsTest {

  @Test
  void theReadmesTablesAreGeneratedFromTheDeclarations() throws Exception {
    String readme = Files.readString(Path.of("README.md"));

    assertThat(between(readme, "config-keys:job")).as("README's job keys; regenerate with 'bin/convoy config keys'")
        .isEqualTo(Keys.markdown(Keys.JOB));
    assertThat(between(readme, "config-keys:top")).as("README's top-level keys; regenerate with 'bin/convoy config keys'")
        .isEqualTo(Keys.markdown(Keys.TOP));
  }

  @Test
  void theDeclaredDefaultsAreTheOnesAMinimalConfigGets() {
    ConvoyConfig c = ConvoyConfig.parse("test", """
        redshift: { url: "jdbc:redshift://127.0.0.1:6432/convoy?ssl=false" }
        kinesis: { region: us-east-1 }
        jobs:
          - { name: a, stream: s, eventType: sent, table: t }
        """, Map.of("USER", "tester"));
    JobConfig j = c.jobs().getFirst();

    assertThat(j.trigger()).isEqualTo(Durations.parse("d", Keys.TRIGGER.defaultValue()));
    assertThat(j.weight()).isEqualTo(Integer.parseInt(Keys.WEIGHT.defaultValue()));
    assertThat(j.shufflePartitions()).isEqualTo(Integer.parseInt(Keys.SHUFFLE_PARTITIONS.defaultValue()));
    assertThat(j.restart().maxRestarts()).isEqualTo(Integer.parseInt(Keys.MAX_RESTARTS.defaultValue()));
    assertThat(j.restart().backoff()).isEqualTo(Durations.parse("d", Keys.BACKOFF.defaultValue()));
    assertThat(j.aggregation().window()).isEqualTo(Durations.parse("d", Keys.WINDOW.defaultValue()));
    assertThat(j.aggregation().watermark()).isEqualTo(Duration.ofHours(24));
    assertThat(j.wireProtocol().name().toLowerCase(java.util.Locale.ROOT)).isEqualTo(Keys.WIRE_PROTOCOL.defaultValue());
    assertThat(j.checkpoint()).isEqualTo(Keys.CHECKPOINT_ROOT.defaultValue() + "/a");
    assertThat(c.control().port()).isEqualTo(Integer.parseInt(Keys.CONTROL_PORT.defaultValue()));
    assertThat(c.warehouse().maxConnections()).isEqualTo(Integer.parseInt(Keys.MAX_CONNECTIONS.defaultValue()));
    assertThat(c.control().stateDir()).isEqualTo(ConvoyConfig.defaultStateDir(Map.of("USER", "tester")));
  }

  private static String between(String text, String marker) {
    int from = text.indexOf("<!-- " + marker + " -->\n");
    int to = text.indexOf("<!-- /" + marker + " -->");
    assertThat(from).as("README has the marker %s", marker).isNotNegative();
    return text.substring(from + marker.length() + 10, to);
  }
}
