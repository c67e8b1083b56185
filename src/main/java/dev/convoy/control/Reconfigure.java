package dev.convoy.control;

import dev.convoy.plan.Plan;

/** What {@code POST /apply} calls: plans a new configuration against the running one and, unless told to only look, applies it. */
@FunctionalInterface
public interface Reconfigure {
  /** @throws IllegalArgumentException when the text would not pass start-up's validation (naming the job and field) */
  Plan apply(String yamlText, boolean dryRun);
}
