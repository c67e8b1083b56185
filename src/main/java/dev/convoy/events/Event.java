package dev.convoy.events;

import java.time.Instant;

/**
 * A decoded, validated event. Every event names an email, a subscriber and a campaign and happened
 * at {@code eventTimeMillis} (epoch millis, UTC). The record cases are the closed set of types.
 */
public sealed interface Event {

  String emailId();

  String subscriberId();

  String campaignId();

  long eventTimeMillis();

  EventType type();

  default Instant eventTime() {
    return Instant.ofEpochMilli(eventTimeMillis());
  }

  record EmailSent(String emailId, String subscriberId, String campaignId, long eventTimeMillis) implements Event {
    @Override public EventType type() { return EventType.SENT; }
  }

  record EmailOpened(String emailId, String subscriberId, String campaignId, long eventTimeMillis) implements Event {
    @Override public EventType type() { return EventType.OPENED; }
  }

  record EmailClicked(String emailId, String subscriberId, String campaignId, long eventTimeMillis, String url)
      implements Event {
    @Override public EventType type() { return EventType.CLICKED; }
  }

  record EmailBounced(String emailId, String subscriberId, String campaignId, long eventTimeMillis, Bounce bounce)
      implements Event {
    @Override public EventType type() { return EventType.BOUNCED; }
  }

  record Unsubscribed(String emailId, String subscriberId, String campaignId, long eventTimeMillis) implements Event {
    @Override public EventType type() { return EventType.UNSUBSCRIBED; }
  }

  /** Why an email bounced. */
  enum Bounce { HARD, SOFT, COMPLAINT }
}
