package dev.convoy.tools;

import dev.convoy.config.Durations;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.source.kinesis.proxy.KinesisEndpoint;
import dev.convoy.source.kinesis.proxy.SdkStreamProxy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@code bin/convoy produce}: synthetic events into Kinesis, and a report of exactly what was written. */
public final class ProduceCommand {

  static final String HELP = """
      Usage: bin/convoy produce --stream STREAM|TYPE=STREAM,... (--count N | --duration D) [options]

      Puts synthetic Thrift events into Kinesis with PutRecords and prints what Kinesis accepted:
      per stream, event type and hour bucket, the counts (and with --report-json, the same as JSON).

        --stream S              one stream for every type, or per type: sent=a,opened=b,...
        --mix W                 weights per type, e.g. sent=5,opened=3,clicked=1 (default: all 1)
        --count N               records to write            --duration D   or write for D (30s, 5m)
        --rate R                records per second (default 0 = as fast as Kinesis takes them)
        --seed N                same seed, plan and time range => same events (default 1)
        --from T --to T         event-time range, ISO-8601 UTC (default: the 6 hours before this hour ends)
        --late-share P          share of events placed --late-by before --from (default 0, late-by 48h)
        --malformed-share P     share of truncated payloads, for dead-letter tests (default 0)
        --emails N --subscribers N --campaigns N   distinct ids (default 1000, 500, 5)
        --protocol compact|binary                  Thrift protocol (default compact)
        --report-json FILE      also write the report as JSON
        --endpoint URL          Kinesis endpoint (default $CONVOY_KINESIS_ENDPOINT, else AWS)
        --region R              default $AWS_REGION, else us-east-1
        --quiet                 no progress lines
      Types: sent, opened, clicked, bounced, unsubscribed.
      """;

  private ProduceCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    Map<String, String> options;
    ProducePlan plan;
    try {
      options = parseOptions(args);
      if (options.containsKey("help")) {
        out.print(HELP);
        return 0;
      }
      plan = plan(options);
    } catch (IllegalArgumentException e) {
      err.println("produce: " + e.getMessage());
      err.println("Run 'bin/convoy produce --help' for the options.");
      return 2;
    }
    KinesisEndpoint endpoint = KinesisEndpoint.of(options.getOrDefault("region", env.getOrDefault("AWS_REGION", "us-east-1")),
        options.getOrDefault("endpoint", env.get("CONVOY_KINESIS_ENDPOINT")));
    boolean quiet = options.containsKey("quiet");
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

  static ProducePlan plan(Map<String, String> o) {
    Map<EventType, String> streams = new EnumMap<>(EventType.class);
    String stream = require(o, "stream");
    if (stream.contains("=")) {
      pairs("--stream", stream).forEach((k, v) -> streams.put(EventType.parse(k), v));
    } else {
      for (EventType t : EventType.values()) streams.put(t, stream);
    }
    Map<EventType, Double> mix = new EnumMap<>(EventType.class);
    if (o.containsKey("mix")) {
      pairs("--mix", o.get("mix")).forEach((k, v) -> mix.put(EventType.parse(k), number("--mix " + k, v)));
    } else if (stream.contains("=")) {
      streams.keySet().forEach(t -> mix.put(t, 1.0));
    } else {
      for (EventType t : EventType.values()) mix.put(t, 1.0);
    }
    Instant hourEnd = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    Instant to = o.containsKey("to") ? instant("--to", o.get("to")) : hourEnd;
    Instant from = o.containsKey("from") ? instant("--from", o.get("from")) : to.minus(Duration.ofHours(6));
    return new ProducePlan(streams, mix,
        Optional.ofNullable(o.get("count")).map(c -> (long) number("--count", c)),
        Optional.ofNullable(o.get("duration")).map(d -> Durations.parse("--duration", d)),
        number("--rate", o.getOrDefault("rate", "0")),
        (long) number("--seed", o.getOrDefault("seed", "1")),
        from, to,
        number("--late-share", o.getOrDefault("late-share", "0")),
        Durations.parse("--late-by", o.getOrDefault("late-by", "48h")),
        number("--malformed-share", o.getOrDefault("malformed-share", "0")),
        (int) number("--emails", o.getOrDefault("emails", "1000")),
        (int) number("--subscribers", o.getOrDefault("subscribers", "500")),
        (int) number("--campaigns", o.getOrDefault("campaigns", "5")),
        WireProtocol.parse(o.getOrDefault("protocol", "compact")));
  }

  static Map<String, String> parseOptions(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) { options.put("help", ""); continue; }
      if (a.equals("--quiet")) { options.put("quiet", ""); continue; }
      if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "'");
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException("--" + name + " needs a value");
        value = args[++i];
      }
      if (!KNOWN.contains(name)) throw new IllegalArgumentException("unknown option --" + name);
      options.put(name, value);
    }
    return options;
  }

  private static final java.util.Set<String> KNOWN = java.util.Set.of("stream", "mix", "count", "duration", "rate", "seed",
      "from", "to", "late-share", "late-by", "malformed-share", "emails", "subscribers", "campaigns", "protocol",
      "report-json", "endpoint", "region");

  private static Map<String, String> pairs(String option, String text) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String part : text.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) throw new IllegalArgumentException(option + ": '" + part + "' is not TYPE=VALUE");
      out.put(kv[0].strip(), kv[1].strip());
    }
    return out;
  }

  private static String require(Map<String, String> o, String name) {
    String v = o.get(name);
    if (v == null || v.isBlank()) throw new IllegalArgumentException("--" + name + " is required");
    return v;
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
