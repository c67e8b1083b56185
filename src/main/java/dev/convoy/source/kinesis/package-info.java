/**
 * Convoy's built-in Kinesis source for Structured Streaming (short name {@code convoy-kinesis}): a
 * DataSource V2 micro-batch stream whose executors read the records. The driver lists and probes shards
 * and decides each batch's start positions; each task records where its read ended in the checkpoint
 * before it completes, so a replay reads exactly the same records. The design and its argument are in
 * docs/kinesis-source.md.
 */
package dev.convoy.source.kinesis;
