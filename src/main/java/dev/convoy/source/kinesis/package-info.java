/**
 * Convoy's built-in Kinesis source for Structured Streaming (short name {@code convoy-kinesis}): a
 * DataSource V2 micro-batch stream whose batch boundaries are per-shard sequence numbers fixed by the
 * driver before a batch runs, so a replay reads exactly the same records. The design and its argument
 * are in docs/kinesis-source.md.
 */
package dev.convoy.source.kinesis;
