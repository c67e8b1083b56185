package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy.Position;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One shard's slice of a batch: the records after {@code from} up to and including {@code lastSequence}.
 * {@code carried} holds them when the driver still has them from fixing the offset (the normal case);
 * it is null when a batch is replayed after a restart, and the executor reads the same range again.
 */
record KinesisInputPartition(KinesisSourceOptions options, String shardId, Position from, String lastSequence,
                             RecordBlock carried) implements InputPartition {}
