package dev.convoy.tools;

import dev.convoy.events.EventType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the producer wrote, counted from Kinesis's acknowledgements (not from its intentions): per
 * stream, event type and hour bucket, the on-time and late events, and the malformed records.
 * Tests compute the buckets they expect from this.
 */
public final class ProduceReport {

  /** A bucket of the report: one stream, event type and hour. */
  public record Bucket(String stream, EventType type, Instant hour) implements Comparable<Bucket> {
    @Override
    public int compareTo(Bucket o) {
      int c = stream.compareTo(o.stream);
      if (c == 0) c = type.compareTo(o.type);
      return c != 0 ? c : hour.compareTo(o.hour);
    }
  }

  /** On-time and late events of one bucket. */
  public record Counts(long onTime, long late) {}

  private final TreeMap<Bucket, long[]> buckets = new TreeMap<>();
  private final TreeMap<String, Long> malformed = new TreeMap<>();
  private long written;
  private long retried;

  void recordWritten(EventGenerator.Planned record) {
    written++;
    if (record.malformed()) {
      malformed.merge(record.stream(), 1L, Long::sum);
      return;
    }
    Instant hour = Instant.ofEpochMilli(record.eventTimeMillis()).truncatedTo(ChronoUnit.HOURS);
    long[] counts = buckets.computeIfAbsent(new Bucket(record.stream(), record.type(), hour), b -> new long[2]);
    counts[record.late() ? 1 : 0]++;
  }

  void recordRetried(int records) {
    retried += records;
  }

  /** Records Kinesis accepted. */
  public long written() {
    return written;
  }

  /** Record puts that Kinesis refused at first and that were put again. */
  public long retried() {
    return retried;
  }

  public Map<Bucket, Counts> buckets() {
    TreeMap<Bucket, Counts> out = new TreeMap<>();
    buckets.forEach((b, c) -> out.put(b, new Counts(c[0], c[1])));
    return out;
  }

  public Map<String, Long> malformed() {
    return new TreeMap<>(malformed);
  }

  public long events() {
    return buckets.values().stream().mapToLong(c -> c[0] + c[1]).sum();
  }

  public String toJson() {
    StringBuilder json = new StringBuilder("{\n  \"written\": ").append(written).append(",\n  \"retried\": ").append(retried)
        .append(",\n  \"malformed\": {");
    String sep = "";
    for (var e : malformed.entrySet()) {
      json.append(sep).append('"').append(e.getKey()).append("\": ").append(e.getValue());
      sep = ", ";
    }
    json.append("},\n  \"buckets\": [");
    sep = "\n";
    for (var e : buckets().entrySet()) {
      Bucket b = e.getKey();
      json.append(sep).append("    {\"stream\": \"").append(b.stream()).append("\", \"type\": \"").append(b.type().shortName())
          .append("\", \"hour\": \"").append(b.hour()).append("\", \"count\": ").append(e.getValue().onTime())
          .append(", \"late\": ").append(e.getValue().late()).append('}');
      sep = ",\n";
    }
    return json.append("\n  ]\n}\n").toString();
  }

  /** A readable table: one line per stream and event type, with hours and counts. */
  public String toTable() {
    StringBuilder out = new StringBuilder(String.format("%-28s %-13s %-20s %10s %8s%n", "stream", "type", "hour (UTC)", "events", "late"));
    buckets().forEach((b, c) -> out.append(String.format("%-28s %-13s %-20s %10d %8d%n", b.stream(), b.type().shortName(),
        b.hour().toString().replace(":00:00Z", ":00"), c.onTime(), c.late())));
    malformed.forEach((s, n) -> out.append(String.format("%-28s %-13s %-20s %10d%n", s, "malformed", "-", n)));
    return out.append(String.format("written %d records (%d events, %d malformed), %d puts retried%n", written, events(),
        malformed.values().stream().mapToLong(Long::longValue).sum(), retried)).toString();
  }
}
