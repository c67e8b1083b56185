package dev.convoy.app;

import dev.convoy.run.Driver;

import dev.convoy.cli.Args;
import dev.convoy.cli.Command;
import dev.convoy.cli.CommandFailed;
import dev.convoy.cli.Option;
import dev.convoy.cli.UsageException;
import dev.convoy.config.ConfigException;
import dev.convoy.config.ConvoyConfig;
import dev.convoy.time.Durations;
import dev.convoy.control.ControlServer;
import dev.convoy.job.Job;
import dev.convoy.job.JobCounters;
import dev.convoy.sink.RedshiftWarehouse;
import dev.convoy.sink.WarehouseFacts;
import dev.convoy.source.SourceSelection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bin/convoy run --config FILE}: the driver, until SIGTERM or SIGINT. Exit code 0 when every job
 * was healthy at the stop, 1 when a job had spent its restart budget, 2 when the configuration or a
 * target table is wrong (nothing started).
 */
public final class RunCommand {

  private RunCommand() {}

  /** A started driver with its control endpoint; {@link #close()} stops both and the Spark session. */
  public record Running(SparkSession spark, Driver driver, Reconfigurer reconfigurer, ControlServer control, Path stateDir)
      implements AutoCloseable {
    /** @return whether every job was healthy */
    public boolean stop() {
      boolean healthy = driver.shutdown();
      control.close();
      try {
        // bin/convoy jobs must not find a stopped driver's address and token.
        Files.deleteIfExists(stateDir.resolve("control.url"));
        Files.deleteIfExists(stateDir.resolve("control.token"));
      } catch (java.io.IOException e) {
        System.err.println("convoy: could not remove the control files in " + stateDir + ": " + e.getMessage());
      }
      spark.stop();
      return healthy;
    }

    @Override
    public void close() {
      stop();
    }
  }

  static final Command COMMAND = new Command("run", "run --config FILE [--status-every 30s]", """
      Runs every job of FILE (conf/jobs.local.yaml on the local stack, conf/jobs.yaml on EMR) as a query
      of one SparkSession until SIGTERM/SIGINT, printing the jobs' status every --status-every.
      Control: bin/convoy jobs | stop JOB | start JOB | restart JOB | apply --config FILE, and the status
      page at the control address. Exit code: 0 all jobs healthy, 1 a job spent its restart budget,
      2 bad configuration (nothing started).""",
      List.of(Option.value("config", "FILE", null, "the jobs' configuration"),
          Option.value("status-every", "DURATION", "30s", "how often the jobs' status table is printed")));

  /** {@code bin/convoy run}. */
  static int run(Args args) throws Exception {
    Path config = Path.of(args.require("config"));
    Duration every;
    try {
      every = Durations.parse("--status-every", args.get("status-every"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Running running;
    try {
      running = start(chooseConfig(config, System.getenv()), System.getenv());
    } catch (IllegalArgumentException e) {
      throw new CommandFailed(2, e.getMessage());
    }
    CountDownLatch stop = new CountDownLatch(1);
    // A signal handler, not a shutdown hook: the JVM stays up until the queries stopped, and the exit code says how it went.
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.countDown());
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.countDown());
    System.err.printf("convoy: driver up, %d jobs; control endpoint %s (token in %s); status page %s/%n", running.driver().status().size(),
        running.control().address(), running.stateDir().resolve("control.token"), running.control().address());
    while (!stop.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
      System.err.print(ControlCommand.table(running.driver().status()));
    }
    System.err.println("convoy: stopping every query (graceful)");
    boolean healthy = running.stop();
    System.err.println(healthy ? "convoy: stopped; every job was healthy" : "convoy: stopped; a job had FAILED (see its last error above)");
    return healthy ? 0 : 1;
  }

  /**
   * The file's configuration, or what was applied live over it if the file is unchanged since the
   * driver last started from it (see {@link KeptConfig}); says which on stderr.
   */
  static ConvoyConfig chooseConfig(Path file, Map<String, String> env) throws java.io.IOException {
    String fileText;
    try {
      fileText = Files.readString(file);
    } catch (java.io.IOException e) {
      throw new ConfigException("cannot read the configuration " + file + ": " + e.getMessage());
    }
    ConvoyConfig fromFile = ConvoyConfig.parse(file.toString(), fileText, env);
    KeptConfig kept = new KeptConfig(fromFile.control().stateDir());
    var applied = kept.appliedOver(fileText);
    if (applied.isEmpty() || applied.get().equals(fileText)) {
      kept.startFrom(fileText, fileText);
      return fromFile;
    }
    ConvoyConfig live;
    try {
      live = ConvoyConfig.parse(kept.file().toString(), applied.get(), env);
    } catch (ConfigException e) {
      throw new ConfigException("the config applied live, kept in " + kept.file() + ", no longer validates (" + e.getMessage()
          + "); remove that file to start from " + file);
    }
    System.err.println("convoy: starting from the config applied live (" + kept.file() + "): " + file
        + " is unchanged since the driver started from it. To start from the file instead, remove " + kept.file());
    kept.startFrom(fileText, applied.get());
    return live;
  }

  /** Starts a driver for this configuration; the tests and the demo use it in-process. */
  public static Running start(ConvoyConfig config, Map<String, String> env) throws Exception {
    Path stateDir = config.control().stateDir();
    SparkSession spark = SparkSession.builder().config(Driver.sparkConf(config.spark(), stateDir)).getOrCreate();
    try {
      Map<String, JobCounters> registered = new ConcurrentHashMap<>();
      // Jobs added live register theirs when they are built; a job that comes back keeps its counts.
      Function<String, JobCounters> counters = name -> registered.computeIfAbsent(name, n -> JobCounters.register(spark.sparkContext(), n));
      SourceSelection sources = SourceSelection.onClasspath();
      List<Job> jobs = ConfiguredJobs.from(config, sources, env, counters);
      reportWarehouse(config, env);
      Driver driver = new Driver(spark, jobs, config.maxConcurrentJobs(), config.maxConcurrentBatches(), counters);
      Reconfigurer reconfigurer = new Reconfigurer(driver, config, env, sources, counters, new KeptConfig(stateDir));
      String token = env.get(config.control().tokenVariable());
      if (token == null || token.isBlank()) token = newToken();
      // Bound before any job starts: a port in use fails start-up with nothing running.
      ControlServer control = new ControlServer(driver, reconfigurer::apply, config.control().host(), config.control().port(), token);
      try {
        driver.start();
      } catch (RuntimeException e) {
        control.close();
        driver.shutdown();
        throw e;
      }
      control.start();
      Path tokenFile = stateDir.resolve("control.token");
      Files.deleteIfExists(tokenFile);
      Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tokenFile, token);
      Files.writeString(stateDir.resolve("control.url"), control.address().toString());
      return new Running(spark, driver, reconfigurer, control, stateDir);
    } catch (Exception | Error e) {
      spark.stop();
      throw e;
    }
  }

  /** Logs which warehouse this is, its isolation level and the connection budget; the sinks' start-up decides if it is reachable. */
  private static void reportWarehouse(ConvoyConfig config, Map<String, String> env) {
    String budget = ConvoyConfig.Warehouse.connectionsFor(config.jobs().size()) + " of " + config.warehouse().maxConnections()
        + " warehouse connections (redshift.maxConnections)";
    try {
      System.err.println("convoy: warehouse " + WarehouseFacts.read(new RedshiftWarehouse(config.redshift(), env)) + "; "
          + config.jobs().size() + " jobs use " + budget);
    } catch (java.sql.SQLException | RuntimeException e) {
      System.err.println("convoy: cannot read the warehouse's isolation level yet (" + e.getMessage() + "); " + budget);
    }
  }

  private static String newToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
