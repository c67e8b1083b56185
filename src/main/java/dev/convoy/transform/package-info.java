/**
 * From Kinesis rows to hourly buckets: decoding (bad payloads to dead letters) and the event-time
 * aggregation with its watermark, emitting absolute counts in update mode so the sink's MERGE is idempotent.
 */
package dev.convoy.transform;
