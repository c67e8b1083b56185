package dev.convoy.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import scala.Function1;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * A micro-batch's rows on the driver, as the Java values {@link Dataset#collectAsList()} would give, at
 * a fraction of its driver CPU.
 *
 * <p>{@code foreachBatch} hands over a Dataset over the batch's already planned RDD. Collecting it the
 * usual way plans that Dataset again as a second SQL execution, and {@code RDD.collect}'s function
 * holds the RDD itself, so Spark serialises the whole lineage once only to check it can (the task
 * binary serialises it again). That was a quarter of a light batch's driver CPU (docs/benchmarks.md).
 * This runs one job over the same RDD with a function that holds nothing.
 */
public final class BatchRows {

  private static final ClassTag<InternalRow[]> PARTITION = ClassTag$.MODULE$.apply(InternalRow[].class);

  private BatchRows() {}

  /** Every row of {@code batch}, each as an array of its columns' values (a timestamp as {@link java.sql.Timestamp}). */
  public static List<Object[]> collect(Dataset<Row> batch) {
    QueryExecution execution = batch.queryExecution();
    // foreachBatch's Dataset is a LogicalRDD over the batch's RDD (Spark 3.5); any other Dataset is planned.
    RDD<InternalRow> rdd = execution.logical() instanceof LogicalRDD planned ? planned.rdd() : execution.toRdd();
    // A function of (TaskContext, Iterator), not of the Iterator alone: Spark wraps the latter in a lambda
    // of its own, and cleaning that lambda parses SparkContext's bytecode with ASM for every job.
    InternalRow[][] partitions = (InternalRow[][]) batch.sparkSession().sparkContext().runJob(rdd, new CopyRows(), PARTITION);

    StructField[] fields = batch.schema().fields();
    DataType[] types = new DataType[fields.length];
    List<Function1<Object, Object>> toJava = new ArrayList<>(fields.length);
    for (int i = 0; i < fields.length; i++) {
      types[i] = fields[i].dataType();
      toJava.add(CatalystTypeConverters.createToScalaConverter(types[i]));
    }
    List<Object[]> values = new ArrayList<>();
    for (InternalRow[] partition : partitions) {
      for (InternalRow row : partition) {
        Object[] v = new Object[types.length];
        for (int i = 0; i < v.length; i++) v[i] = row.isNullAt(i) ? null : toJava.get(i).apply(row.get(i, types[i]));
        values.add(v);
      }
    }
    return values;
  }

  /** Runs in the task: a partition's rows, copied, since an operator may reuse one row object for all. */
  private static final class CopyRows extends AbstractFunction2<TaskContext, Iterator<InternalRow>, InternalRow[]> implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public InternalRow[] apply(TaskContext task, Iterator<InternalRow> rows) {
      List<InternalRow> copies = new ArrayList<>();
      while (rows.hasNext()) copies.add(rows.next().copy());
      return copies.toArray(new InternalRow[0]);
    }
  }
}
