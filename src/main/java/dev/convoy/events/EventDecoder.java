package dev.convoy.events;

import dev.convoy.events.thrift.BounceType;
import dev.convoy.events.thrift.EmailEvent;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.apache.thrift.transport.TTransportException;

/**
 * Decodes one Thrift payload into an {@link Event}, and never throws: a truncated, malformed,
 * oversized or wrong-type payload gives {@link Decoded.Invalid} with the reason.
 *
 * <p>It reuses one transport and protocol across calls, so an instance is not thread-safe: use one
 * per thread (in Spark, one per task partition).
 */
public final class EventDecoder {

  /** Kinesis records are at most 1 MiB; anything bigger cannot be ours. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

  private static final long MIN_TIME = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
  private static final long MAX_TIME = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

  private final Set<EventType> accepted;
  private final int maxPayloadBytes;
  private final TMemoryInputTransport transport;
  private final TProtocol protocol;
  private final EmailEvent wire = new EmailEvent();

  public EventDecoder(WireProtocol wireProtocol, Set<EventType> accepted, int maxPayloadBytes) {
    if (accepted.isEmpty()) throw new IllegalArgumentException("a decoder must accept at least one event type");
    this.accepted = EnumSet.copyOf(accepted);
    this.maxPayloadBytes = maxPayloadBytes;
    // Thrift's own limits bound every length it reads by the payload, so a corrupt length prefix
    // fails fast instead of allocating.
    TConfiguration config = TConfiguration.custom().setMaxMessageSize(maxPayloadBytes).setRecursionLimit(16).build();
    try {
      this.transport = new TMemoryInputTransport(config);
    } catch (TTransportException e) {
      throw new IllegalStateException("cannot create a Thrift memory transport", e);
    }
    this.protocol = wireProtocol.protocol(transport);
  }

  /** A decoder for a stream that carries one event type. */
  public static EventDecoder forType(EventType type, WireProtocol protocol) {
    return new EventDecoder(protocol, EnumSet.of(type), DEFAULT_MAX_PAYLOAD_BYTES);
  }

  /** A decoder for a stream that carries any mix of event types. */
  public static EventDecoder anyType(WireProtocol protocol) {
    return new EventDecoder(protocol, EnumSet.allOf(EventType.class), DEFAULT_MAX_PAYLOAD_BYTES);
  }

  public Decoded decode(byte[] payload) {
    if (payload == null || payload.length == 0) return new Decoded.Invalid("empty payload");
    if (payload.length > maxPayloadBytes) {
      return new Decoded.Invalid("payload of " + payload.length + " bytes exceeds the limit of " + maxPayloadBytes);
    }
    try {
      transport.reset(payload);
      wire.clear();
      wire.read(protocol);
      int trailing = transport.getBytesRemainingInBuffer();
      if (trailing > 0) return new Decoded.Invalid(trailing + " bytes after the end of the event (corrupt payload?)");
      return toEvent(wire);
    } catch (TException | RuntimeException e) {
      // Thrift reports corrupt input as TProtocolException/TTransportException, and occasionally as a
      // runtime exception from deep inside a generated reader; all of them mean "not a valid event".
      return new Decoded.Invalid("not a valid Thrift EmailEvent: " + describe(e));
    }
  }

  private Decoded toEvent(EmailEvent event) {
    EmailEvent._Fields field = event.getSetField();
    if (field == null || event.getFieldValue() == null) {
      return new Decoded.Invalid("no known event type in the payload (a newer producer's type?)");
    }
    EventType type = switch (field) {
      case SENT -> EventType.SENT;
      case OPENED -> EventType.OPENED;
      case CLICKED -> EventType.CLICKED;
      case BOUNCED -> EventType.BOUNCED;
      case UNSUBSCRIBED -> EventType.UNSUBSCRIBED;
    };
    if (!accepted.contains(type)) {
      return new Decoded.Invalid("event type " + type.contractName() + " where " + names(accepted) + " was expected");
    }
    return switch (field) {
      case SENT -> {
        var e = event.getSent();
        String bad = check(e.getEmailId(), e.getSubscriberId(), e.getCampaignId(), e.isSetEventTimeMillis(), e.getEventTimeMillis());
        yield bad != null ? invalid(type, bad)
            : valid(new Event.EmailSent(e.getEmailId(), e.getSubscriberId(), e.getCampaignId(), e.getEventTimeMillis()));
      }
      case OPENED -> {
        var e = event.getOpened();
        String bad = check(e.getEmailId(), e.getSubscriberId(), e.getCampaignId(), e.isSetEventTimeMillis(), e.getEventTimeMillis());
        yield bad != null ? invalid(type, bad)
            : valid(new Event.EmailOpened(e.getEmailId(), e.getSubscriberId(), e.getCampaignId(), e.getEventTimeMillis()));
      }
      case CLICKED -> {
        var e = event.getClicked();
        String bad = check(e.getEmailId(), e.getSubscriberId(), e.getCampaignId(), e.isSetEventTimeMillis(), e.getEventTimeMillis());
        if (bad == null && (e.getUrl() == null || e.getUrl().isEmpty())) bad = "url is missing";
        yield bad != null ? invalid(type, bad)
            : valid(new Event.EmailClicked(e.getEmailId(), e.getSubscriberId(), e.getCampaignId(), e.getEventTimeMillis(), e.getUrl()));
      }
      case BOUNCED -> {
        var e = event.getBounced();
        String bad = check(e.getEmailId(), e.getSubscriberId(), e.getCampaignId(), e.isSetEventTimeMillis(), e.getEventTimeMillis());
        // An enum value this reader does not know decodes as null: missing and unknown look alike.
        if (bad == null && e.getBounceType() == null) bad = "bounceType is missing or unknown";
        yield bad != null ? invalid(type, bad)
            : valid(new Event.EmailBounced(e.getEmailId(), e.getSubscriberId(), e.getCampaignId(), e.getEventTimeMillis(),
                bounce(e.getBounceType())));
      }
      case UNSUBSCRIBED -> {
        var e = event.getUnsubscribed();
        String bad = check(e.getEmailId(), e.getSubscriberId(), e.getCampaignId(), e.isSetEventTimeMillis(), e.getEventTimeMillis());
        yield bad != null ? invalid(type, bad)
            : valid(new Event.Unsubscribed(e.getEmailId(), e.getSubscriberId(), e.getCampaignId(), e.getEventTimeMillis()));
      }
    };
  }

  /** The fields every event needs; returns what is wrong, or null. */
  private static String check(String emailId, String subscriberId, String campaignId, boolean timeSet, long time) {
    if (emailId == null || emailId.isEmpty()) return "emailId is missing";
    if (subscriberId == null || subscriberId.isEmpty()) return "subscriberId is missing";
    if (campaignId == null || campaignId.isEmpty()) return "campaignId is missing";
    if (!timeSet) return "eventTimeMillis is missing";
    if (time < MIN_TIME || time >= MAX_TIME) return "eventTimeMillis " + time + " is not between 2000 and 2100";
    return null;
  }

  private static Event.Bounce bounce(BounceType type) {
    return switch (type) {
      case HARD -> Event.Bounce.HARD;
      case SOFT -> Event.Bounce.SOFT;
      case COMPLAINT -> Event.Bounce.COMPLAINT;
    };
  }

  private static Decoded valid(Event event) {
    return new Decoded.Valid(event);
  }

  private static Decoded invalid(EventType type, String problem) {
    return new Decoded.Invalid(type.contractName() + ": " + problem);
  }

  private static String names(Set<EventType> types) {
    return types.stream().map(EventType::contractName).sorted().reduce((a, b) -> a + " or " + b).orElse("");
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
  }
}
