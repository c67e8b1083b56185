/**
 * Where Spark keeps a query's checkpoint files (offset and commit logs, state store files, the
 * source's own files): {@link dev.convoy.checkpoint.LocalFirstCheckpointFiles} writes those on a local
 * disk with the JDK's atomic file operations, and leaves HDFS and S3 to Spark's own manager.
 */
package dev.convoy.checkpoint;
