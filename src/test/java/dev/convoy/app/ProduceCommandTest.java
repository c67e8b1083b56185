package dev.convoy.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code bin/convoy produce} refuses a bad command line naming the option. */
class ProduceCommandTest {

  @Test
  void badOptionsAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> ProduceCommand.plan(ProduceCommand.parseOptions(new String[] {"--stream", "s", "--count", "5", "--rate", "x"})))
        .hasMessage("--rate: 'x' is not a number");
    assertThatThrownBy(() -> ProduceCommand.parseOptions(new String[] {"--strem", "s"})).hasMessage("unknown option --strem");
    assertThatThrownBy(() -> ProduceCommand.plan(ProduceCommand.parseOptions(new String[] {"--stream", "sent=a", "--mix", "sent=1,clicked=1", "--count", "1"})))
        .hasMessage("--stream: no stream for event type clicked");
  }
}
