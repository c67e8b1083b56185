package dev.convoy.events;

import dev.convoy.events.thrift.BounceType;
import dev.convoy.events.thrift.EmailBounced;
import dev.convoy.events.thrift.EmailClicked;
import dev.convoy.events.thrift.EmailEvent;
import dev.convoy.events.thrift.EmailOpened;
import dev.convoy.events.thrift.EmailSent;
import dev.convoy.events.thrift.Unsubscribed;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.transport.TTransportException;

/** Encodes events as Thrift {@code EmailEvent} payloads, for producers and tests. Not thread-safe. */
public final class EventEncoder {

  private final TSerializer serializer;

  public EventEncoder(WireProtocol protocol) {
    try {
      this.serializer = new TSerializer(switch (protocol) {
        case COMPACT -> new TCompactProtocol.Factory();
        case BINARY -> new TBinaryProtocol.Factory();
      });
    } catch (TTransportException e) {
      throw new IllegalStateException("cannot create a Thrift serializer", e);
    }
  }

  public byte[] encode(Event event) {
    try {
      return serializer.serialize(toWire(event));
    } catch (TException e) {
      throw new IllegalArgumentException("cannot encode " + event, e);
    }
  }

  static EmailEvent toWire(Event event) {
    return switch (event) {
      case Event.EmailSent e -> EmailEvent.sent(new EmailSent().setEmailId(e.emailId()).setSubscriberId(e.subscriberId())
          .setCampaignId(e.campaignId()).setEventTimeMillis(e.eventTimeMillis()));
      case Event.EmailOpened e -> EmailEvent.opened(new EmailOpened().setEmailId(e.emailId()).setSubscriberId(e.subscriberId())
          .setCampaignId(e.campaignId()).setEventTimeMillis(e.eventTimeMillis()));
      case Event.EmailClicked e -> EmailEvent.clicked(new EmailClicked().setEmailId(e.emailId()).setSubscriberId(e.subscriberId())
          .setCampaignId(e.campaignId()).setEventTimeMillis(e.eventTimeMillis()).setUrl(e.url()));
      case Event.EmailBounced e -> EmailEvent.bounced(new EmailBounced().setEmailId(e.emailId()).setSubscriberId(e.subscriberId())
          .setCampaignId(e.campaignId()).setEventTimeMillis(e.eventTimeMillis())
          .setBounceType(BounceType.valueOf(e.bounce().name())));
      case Event.Unsubscribed e -> EmailEvent.unsubscribed(new Unsubscribed().setEmailId(e.emailId()).setSubscriberId(e.subscriberId())
          .setCampaignId(e.campaignId()).setEventTimeMillis(e.eventTimeMillis()));
    };
  }
}
