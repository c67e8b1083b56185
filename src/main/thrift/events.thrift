/*
 * Convoy's event contract: what producers put on Kinesis, one EmailEvent per record.
 *
 * Evolution rules (old and new producers and consumers keep working together):
 *  - every field is optional and keeps its id forever; never reuse or renumber an id;
 *  - add fields with new ids; readers skip ids they do not know;
 *  - add event types as new union members; an older reader turns an unknown member into a
 *    dead letter ("unknown event type"), never into a wrong event.
 * Regenerate the Java types with `bin/convoy thrift` after a change (see README).
 */
namespace java dev.convoy.events.thrift

enum BounceType {
  HARD = 1,
  SOFT = 2,
  COMPLAINT = 3,
}

struct EmailSent {
  1: optional string emailId,
  2: optional string subscriberId,
  3: optional string campaignId,
  /** Epoch milliseconds, UTC. */
  4: optional i64 eventTimeMillis,
}

struct EmailOpened {
  1: optional string emailId,
  2: optional string subscriberId,
  3: optional string campaignId,
  4: optional i64 eventTimeMillis,
}

struct EmailClicked {
  1: optional string emailId,
  2: optional string subscriberId,
  3: optional string campaignId,
  4: optional i64 eventTimeMillis,
  5: optional string url,
}

struct EmailBounced {
  1: optional string emailId,
  2: optional string subscriberId,
  3: optional string campaignId,
  4: optional i64 eventTimeMillis,
  5: optional BounceType bounceType,
}

struct Unsubscribed {
  1: optional string emailId,
  2: optional string subscriberId,
  3: optional string campaignId,
  4: optional i64 eventTimeMillis,
}

/** The record payload: exactly one member set, which names the event's type. */
union EmailEvent {
  1: EmailSent sent,
  2: EmailOpened opened,
  3: EmailClicked clicked,
  4: EmailBounced bounced,
  5: Unsubscribed unsubscribed,
}
