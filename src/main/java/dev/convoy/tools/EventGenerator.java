package dev.convoy.tools;

import dev.convoy.events.Event;
import dev.convoy.events.EventEncoder;
import dev.convoy.events.EventType;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic synthetic events: the same plan and seed give the same records, in the same order. */
final class EventGenerator {

  /** One record to put, and what it is for the report. {@code type} is null for a malformed record. */
  record Planned(String stream, String partitionKey, byte[] data, EventType type, long eventTimeMillis, boolean late) {
    boolean malformed() {
      return type == null;
    }
  }

  private final ProducePlan plan;
  private final SplittableRandom random;
  private final EventEncoder encoder;
  private final List<EventType> types;
  private final double[] cumulative;

  EventGenerator(ProducePlan plan) {
    this.plan = plan;
    this.random = new SplittableRandom(plan.seed());
    this.encoder = new EventEncoder(plan.protocol());
    // Sorted by enum order so the draw does not depend on map iteration order.
    this.types = plan.mix().entrySet().stream().filter(e -> e.getValue() > 0).map(java.util.Map.Entry::getKey).sorted().toList();
    double total = types.stream().mapToDouble(plan.mix()::get).sum();
    this.cumulative = new double[types.size()];
    double sum = 0;
    for (int i = 0; i < types.size(); i++) {
      sum += plan.mix().get(types.get(i)) / total;
      cumulative[i] = sum;
    }
  }

  Planned next() {
    EventType type = types.get(pick(random.nextDouble()));
    double fate = random.nextDouble();
    boolean malformed = fate < plan.malformedShare();
    boolean late = !malformed && fate < plan.malformedShare() + plan.lateShare();
    long from = plan.from().toEpochMilli();
    long span = plan.to().toEpochMilli() - from;
    long time = from + random.nextLong(span);
    if (late) time = from - plan.lateBy().toMillis() - 1 - random.nextLong(Math.min(span, 3_600_000L));
    String emailId = "email-" + random.nextInt(plan.emails());
    String subscriberId = "sub-" + random.nextInt(plan.subscribers());
    String campaignId = "campaign-" + random.nextInt(plan.campaigns());
    Event event = switch (type) {
      case SENT -> new Event.EmailSent(emailId, subscriberId, campaignId, time);
      case OPENED -> new Event.EmailOpened(emailId, subscriberId, campaignId, time);
      case CLICKED -> new Event.EmailClicked(emailId, subscriberId, campaignId, time, "https://example.com/l/" + random.nextInt(100));
      case BOUNCED -> new Event.EmailBounced(emailId, subscriberId, campaignId, time, Event.Bounce.values()[random.nextInt(3)]);
      case UNSUBSCRIBED -> new Event.Unsubscribed(emailId, subscriberId, campaignId, time);
    };
    byte[] data = encoder.encode(event);
    String stream = plan.streams().get(type);
    if (malformed) {
      // A strict prefix lacks the closing stop byte, so no decoder can take it for an event.
      return new Planned(stream, emailId, Arrays.copyOf(data, 1 + random.nextInt(data.length - 1)), null, time, false);
    }
    return new Planned(stream, emailId, data, type, time, late);
  }

  private int pick(double u) {
    for (int i = 0; i < cumulative.length - 1; i++) if (u < cumulative[i]) return i;
    return cumulative.length - 1;
  }
}
