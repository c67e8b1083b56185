package dev.convoy.source;

/** {@link BatchHold}'s carrier: thread-scoped, as Spark's own local properties, which reach the query's thread the same way. */
final class InheritedHold {

  static final InheritableThreadLocal<BatchHold> VALUE = new InheritableThreadLocal<>();

  private InheritedHold() {}
}
