package dev.convoy.app;

import dev.convoy.cli.Args;
import dev.convoy.cli.Command;
import dev.convoy.cli.CommandFailed;
import dev.convoy.cli.Option;
import dev.convoy.cli.UsageException;
import dev.convoy.config.ConvoyConfig;
import dev.convoy.config.Keys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code bin/convoy config keys | streams | sources | check}: what the shell scripts and the README need
 * from a config, read by the same code as the driver, so no script parses YAML itself.
 */
final class ConfigCommand {

  static final Command COMMAND = new Command("config", "config keys|streams|sources|check [--config FILE]", """
      keys     every config key with its default and meaning, as the README's tables (Markdown)
      streams  each job's stream and shards, one 'stream:shards' per line (what 'stack up' creates)
      sources  the sources the jobs use, one per line ('aws-kinesis' means the step needs the connector jar)
      check    validates FILE with the driver's start-up rules and says so (exit 2 with the job and field if not)""",
      List.of(Option.value("config", "FILE", "conf/jobs.local.yaml", "the job config")), List.of("WHAT"));

  private ConfigCommand() {}

  static int run(Args args, PrintStream out) throws IOException {
    String what = args.positional("WHAT");
    if (what.equals("keys")) {
      out.print("Jobs (under jobs:):\n\n" + Keys.markdown(Keys.JOB) + "\nAt the top of the file:\n\n" + Keys.markdown(Keys.TOP));
      return 0;
    }
    if (!List.of("streams", "sources", "check").contains(what)) {
      throw new UsageException("unknown WHAT '" + what + "': keys, streams, sources or check");
    }
    Path file = Path.of(args.get("config"));
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new CommandFailed(2, "cannot read " + file + ": " + e.getMessage());
    }
    try {
      if (what.equals("check")) {
        out.println(file + ": valid, " + ConvoyConfig.parse(file.toString(), text, System.getenv()).jobs().size() + " jobs");
      } else {
        new TreeSet<>(ConvoyConfig.streams(file.toString(), text, System.getenv()).stream()
            .map(s -> what.equals("streams") ? s.stream() + ":" + s.shards() : s.source()).toList()).forEach(out::println);
      }
    } catch (IllegalArgumentException e) { // ConfigException: names the job and the field
      throw new CommandFailed(2, e.getMessage());
    }
    return 0;
  }
}
