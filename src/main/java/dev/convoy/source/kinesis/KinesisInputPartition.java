package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One shard's part of a batch: positions only, never records, so what the driver sends per batch does
 * not grow with the data. The task reads after {@code from}: up to {@code until} when the end is known
 * (a batch of a version-1 checkpoint), else up to the batch limits, recording where it stopped in
 * {@link BatchEnds} under {@code batch} — or exactly to the end found there, when a task already read it.
 *
 * @param iterator        an iterator at {@code from} the driver already holds (null if none), saving the task a
 *                        GetShardIterator call; an expired one is replaced from {@code from}
 * @param notBeforeMillis the driver's probe of this shard, so the task's first call keeps the per-shard rate
 */
record KinesisInputPartition(String shardId, long batch, Position from, String until, String iterator, long notBeforeMillis)
    implements InputPartition {}
