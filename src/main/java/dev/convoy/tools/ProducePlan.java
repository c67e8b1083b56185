package dev.convoy.tools;

import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What to produce, validated once. Either {@code count} records or for {@code duration}; event times
 * are uniform in [{@code from}, {@code to}); a {@code lateShare} of events is placed {@code lateBy}
 * before {@code from} (later than a watermark would accept); a {@code malformedShare} of records are
 * truncated payloads, which consumers must turn into dead letters.
 *
 * @param streams where each event type goes (every type of the mix needs a stream)
 * @param mix relative weights of the event types
 * @param rate records per second; 0 for as fast as Kinesis takes them
 */
public record ProducePlan(Map<EventType, String> streams, Map<EventType, Double> mix, Optional<Long> count,
                          Optional<Duration> duration, double rate, long seed, Instant from, Instant to,
                          double lateShare, Duration lateBy, double malformedShare, int emails, int subscribers,
                          int campaigns, WireProtocol protocol) {

  public ProducePlan {
    streams = Map.copyOf(new EnumMap<>(streams));
    mix = Map.copyOf(new EnumMap<>(mix));
    if (mix.isEmpty()) throw new IllegalArgumentException("--mix: at least one event type needs a weight");
    for (var e : mix.entrySet()) {
      double weight = e.getValue();
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("--mix: weight of " + e.getKey().shortName() + " must be >= 0, got " + weight);
      }
      if (weight > 0 && !streams.containsKey(e.getKey())) {
        throw new IllegalArgumentException("--stream: no stream for event type " + e.getKey().shortName());
      }
    }
    if (mix.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) throw new IllegalArgumentException("--mix: the weights add up to 0");
    if (count.isPresent() == duration.isPresent()) throw new IllegalArgumentException("give exactly one of --count and --duration");
    count.ifPresent(c -> { if (c < 0) throw new IllegalArgumentException("--count must be >= 0, got " + c); });
    duration.ifPresent(d -> { if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("--duration must be positive, got " + d); });
    if (!(rate >= 0)) throw new IllegalArgumentException("--rate must be >= 0 (0 = unlimited), got " + rate);
    if (!from.isBefore(to)) throw new IllegalArgumentException("--from (" + from + ") must be before --to (" + to + ")");
    share("--late-share", lateShare);
    share("--malformed-share", malformedShare);
    if (lateShare + malformedShare > 1) throw new IllegalArgumentException("--late-share plus --malformed-share exceed 1");
    if (lateBy.isNegative()) throw new IllegalArgumentException("--late-by must not be negative, got " + lateBy);
    positive("--emails", emails);
    positive("--subscribers", subscribers);
    positive("--campaigns", campaigns);
  }

  private static void share(String option, double value) {
    if (!(value >= 0 && value <= 1)) throw new IllegalArgumentException(option + " must be between 0 and 1, got " + value);
  }

  private static void positive(String option, int value) {
    if (value <= 0) throw new IllegalArgumentException(option + " must be > 0, got " + value);
  }
}
