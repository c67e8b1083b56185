package dev.convoy.app;

import dev.convoy.cli.Args;
import dev.convoy.cli.Command;
import dev.convoy.cli.Option;
import dev.convoy.cli.UsageException;
import dev.convoy.time.Durations;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.source.kinesis.proxy.KinesisEndpoint;
import dev.convoy.source.kinesis.proxy.SdkStreamProxy;
import dev.convoy.tools.ProducePlan;
import dev.convoy.tools.ProduceReport;
import dev.convoy.tools.Producer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code bin/convoy produce}: synthetic events into Kinesis, and a report of exactly what was written. */
final class ProduceCommand {

  static final Command COMMAND = new Command("produce", "produce --stream STREAM|TYPE=STREAM,... (--count N | --duration D) [options]", """
      Puts synthetic Thrift events into Kinesis with PutRecords and prints what Kinesis accepted:
      per stream, event type and hour bucket, the counts (and with --report-json, the same as JSON).
      Types: sent, opened, clicked, bounced, unsubscribed.""",
      List.of(
          Option.value("stream", "S", null, "one stream for every type, or per type: sent=a,opened=b,..."),
          Option.value("mix", "W", null, "weights per type, e.g. sent=5,opened=3,clicked=1 (default: all 1)"),
          Option.value("count", "N", null, "records to write"),
          Option.value("duration", "D", null, "or write for D (30s, 5m)"),
          Option.value("rate", "R", "0", "records per second (0 = as fast as Kinesis takes them)"),
          Option.value("seed", "N", "1", "same seed, plan and time range => same events"),
          Option.value("from", "T", null, "event-time range start, ISO-8601 UTC (default: 6 hours before --to)"),
          Option.value("to", "T", null, "event-time range end (default: the end of this hour)"),
          Option.value("late-share", "P", "0", "share of events placed --late-by before --from"),
          Option.value("late-by", "D", "48h", "how far before --from the late events are"),
          Option.value("malformed-share", "P", "0", "share of truncated payloads, for dead-letter tests"),
          Option.value("emails", "N", "1000", "distinct email ids"),
          Option.value("subscribers", "N", "500", "distinct subscriber ids"),
          Option.value("campaigns", "N", "5", "distinct campaign ids"),
          Option.value("protocol", "P", "compact", "Thrift protocol: compact or binary"),
          Option.value("report-json", "FILE", null, "also write the report as JSON"),
          Option.value("endpoint", "URL", null, "Kinesis endpoint (default $CONVOY_KINESIS_ENDPOINT, else AWS)"),
          Option.value("region", "R", null, "default $AWS_REGION, else us-east-1"),
          Option.flag("quiet", "no progress lines")));

  private ProduceCommand() {}

  static int run(Args options, PrintStream out, PrintStream err, Map<String, String> env) {
    ProducePlan plan;
    try {
      plan = plan(options);
    } catch (IllegalArgumentException e) { // a bad value is a usage error: exit 2, with the option named
      throw new UsageException(e.getMessage());
    }
    KinesisEndpoint endpoint = KinesisEndpoint.of(options.get("region") != null ? options.get("region") : env.getOrDefault("AWS_REGION", "us-east-1"),
        options.get("endpoint") != null ? options.get("endpoint") : env.get("CONVOY_KINESIS_ENDPOINT"));
    boolean quiet = options.has("quiet");
    try (SdkStreamProxy proxy = SdkStreamProxy.connect(endpoint)) {
      Producer producer = new Producer(proxy, p -> {
        if (!quiet) err.printf("produce: %,d%s records written (%,.0f/s), %,d puts retried%n", p.written(),
            p.target() == null ? "" : String.format("/%,d", p.target()), p.recordsPerSecond(), p.retried());
      });
      ProduceReport report = producer.run(plan);
      out.print(report.toTable());
      writeJson(options.get("report-json"), report);
      return 0;
    } catch (Producer.ProduceFailedException e) {
      err.println("produce: failed: " + e.getMessage());
      err.print("produce: written before the failure:\n" + e.report().toTable());
      tryWriteJson(options.get("report-json"), e.report(), err);
      err.println("Check the stream and endpoint ('bin/convoy stack status' for the local stack), then run again.");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("produce: interrupted");
      return 130;
    } catch (IOException e) {
      err.println("produce: cannot write the report: " + e.getMessage());
      return 1;
    }
  }

  static Args parseOptions(String[] args) {
    return COMMAND.parse(args);
  }

  static ProducePlan plan(Args o) {
    Map<EventType, String> streams = new EnumMap<>(EventType.class);
    String stream = o.require("stream");
    if (stream.contains("=")) {
      pairs("--stream", stream).forEach((k, v) -> streams.put(EventType.parse(k), v));
    } else {
      for (EventType t : EventType.values()) streams.put(t, stream);
    }
    Map<EventType, Double> mix = new EnumMap<>(EventType.class);
    if (o.has("mix")) {
      pairs("--mix", o.get("mix")).forEach((k, v) -> mix.put(EventType.parse(k), number("--mix " + k, v)));
    } else if (stream.contains("=")) {
      streams.keySet().forEach(t -> mix.put(t, 1.0));
    } else {
      for (EventType t : EventType.values()) mix.put(t, 1.0);
    }
    Instant hourEnd = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    Instant to = o.has("to") ? instant("--to", o.get("to")) : hourEnd;
    Instant from = o.has("from") ? instant("--from", o.get("from")) : to.minus(Duration.ofHours(6));
    return new ProducePlan(streams, mix,
        Optional.ofNullable(o.get("count")).map(c -> (long) number("--count", c)),
        Optional.ofNullable(o.get("duration")).map(d -> Durations.parse("--duration", d)),
        number("--rate", o.get("rate")),
        (long) number("--seed", o.get("seed")),
        from, to,
        number("--late-share", o.get("late-share")),
        Durations.parse("--late-by", o.get("late-by")),
        number("--malformed-share", o.get("malformed-share")),
        (int) number("--emails", o.get("emails")),
        (int) number("--subscribers", o.get("subscribers")),
        (int) number("--campaigns", o.get("campaigns")),
        WireProtocol.parse(o.get("protocol")));
  }

  private static Map<String, String> pairs(String option, String text) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String part : text.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) throw new IllegalArgumentException(option + ": '" + part + "' is not TYPE=VALUE");
      out.put(kv[0].strip(), kv[1].strip());
    }
    return out;
  }

  private static double number(String option, String text) {
    try {
      return Double.parseDouble(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a number");
    }
  }

  private static Instant instant(String option, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not an ISO-8601 UTC time like 2026-11-24T10:00:00Z");
    }
  }

  private static void writeJson(String path, ProduceReport report) throws IOException {
    if (path != null) Files.writeString(Path.of(path), report.toJson());
  }

  private static void tryWriteJson(String path, ProduceReport report, PrintStream err) {
    try {
      writeJson(path, report);
    } catch (IOException e) {
      err.println("produce: cannot write the report: " + e.getMessage());
    }
  }
}
