package dev.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One declaration per option: parsing, errors, defaults, --help and exit codes all come from it. */
class CommandTest {

  private final Command stop = new Command("stop", "stop JOB [--url URL]", "Stops one job.",
      List.of(Option.value("url", "URL", "http://127.0.0.1:8787", "the endpoint"), Option.flag("quiet", "say less")), List.of("JOB"));

  @Test
  void optionsPositionalsAndDefaultsAreReadFromTheDeclarations() {
    Args args = stop.parse("emails-sent", "--url=http://x:1", "--quiet");

    assertThat(args.positional("JOB")).isEqualTo("emails-sent");
    assertThat(args.get("url")).isEqualTo("http://x:1");
    assertThat(args.has("quiet")).isTrue();
    assertThat(stop.parse("a").get("url")).as("the declared default").isEqualTo("http://127.0.0.1:8787");
    assertThat(stop.parse("a").has("quiet")).isFalse();
  }

  @Test
  void aWrongCommandLineIsRefusedNamingTheOptionOrArgument() {
    assertThatThrownBy(() -> stop.parse("a", "--ur", "x")).isInstanceOf(UsageException.class).hasMessage("unknown option --ur");
    assertThatThrownBy(() -> stop.parse("a", "--url")).hasMessage("--url needs a value");
    assertThatThrownBy(() -> stop.parse("a", "--quiet=yes")).hasMessage("--quiet takes no value");
    assertThatThrownBy(() -> stop.parse()).hasMessage("JOB is required");
    assertThatThrownBy(() -> stop.parse("a", "b")).hasMessage("unexpected argument 'b'");
    assertThatThrownBy(() -> stop.parse("a").require("nope")).hasMessageContaining("declares no option --nope");
  }

  @Test
  void helpListsEveryDeclaredOptionWithItsDefault() {
    assertThat(stop.parse("--help").help()).isTrue();
    assertThat(stop.help()).startsWith("usage: bin/convoy stop JOB [--url URL]\n\nStops one job.\n")
        .contains("--url URL  the endpoint (default: http://127.0.0.1:8787)").contains("--quiet    say less");
  }

  @Test
  void everyEndingBecomesAnExitCodeAndAMessageThatSaysWhatToDo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Subcommand failing = new Subcommand() {
      @Override
      public Command command() {
        return stop;
      }

      @Override
      public int run(Args args) {
        if (args.positional("JOB").equals("gone")) throw new CommandFailed(1, "no driver answers; start one");
        return 0;
      }
    };
    Cli cli = new Cli(Map.of("stop", failing), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(cli.run("stop", "a")).isZero();
    assertThat(cli.run("stop", "gone")).isEqualTo(1);
    assertThat(cli.run("stop", "--bad")).isEqualTo(2);
    assertThat(cli.run("nope")).isEqualTo(2);
    assertThat(cli.run("stop", "--help")).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("convoy stop: no driver answers; start one")
        .contains("convoy stop: unknown option --bad; see 'bin/convoy stop --help'").contains("unknown command 'nope'");
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: bin/convoy stop");
  }
}
