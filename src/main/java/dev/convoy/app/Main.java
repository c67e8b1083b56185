package dev.convoy.app;

import dev.convoy.cli.Cli;
import dev.convoy.cli.Subcommand;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Java half of {@code bin/convoy}: {@code run}, {@code demo}, {@code produce}, {@code jobs},
 * {@code stop}, {@code start}, {@code restart}, {@code apply} and {@code config}, each declared once as a
 * {@link dev.convoy.cli.Command}. The only place that ends the process, with the command's exit code.
 */
public final class Main {

  private Main() {}

  public static void main(String[] argv) {
    System.exit(new Cli(commands(), System.out, System.err).run(argv));
  }

  static Map<String, Subcommand> commands() {
    Map<String, Subcommand> all = new LinkedHashMap<>();
    all.put("run", Subcommand.of(RunCommand.COMMAND, RunCommand::run));
    all.put("demo", Subcommand.of(DemoCommand.COMMAND, DemoCommand::run));
    all.put("produce", Subcommand.of(ProduceCommand.COMMAND, args -> ProduceCommand.run(args, System.out, System.err, System.getenv())));
    all.put("jobs", ControlCommand.jobs());
    all.put("stop", ControlCommand.action("stop", "Stops one job gracefully (its checkpoint stays); its slot goes to a PENDING job."));
    all.put("start", ControlCommand.action("start", "Starts a stopped or FAILED job from its checkpoint (PENDING while every slot is taken)."));
    all.put("restart", ControlCommand.action("restart", "Stops one job gracefully and starts it again from its checkpoint."));
    all.put("apply", ControlCommand.apply());
    all.put("config", Subcommand.of(ConfigCommand.COMMAND, args -> ConfigCommand.run(args, System.out)));
    return all;
  }
}
